"""What reconciling one institution's keys needs: its settings, Canvas, Ladok's directory and the safeguards."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from app.canvas.client import CanvasClient
from app.core.safeguards import SafetyLimits
from app.core.settings import InstitutionSettings
from app.core.swedish_time import swedish_today
from app.ladok.directory import LadokDirectory


@dataclass(frozen=True)
class InstitutionContext:
    """What reconciling one institution's keys needs: its settings, Canvas, and Ladok's directory."""

    institution_id: str
    settings: InstitutionSettings
    canvas: CanvasClient
    directory: LadokDirectory | None = None
    today: Callable[[], dt.date] = swedish_today
    safeguards: SafetyLimits = dataclasses.field(default_factory=SafetyLimits)  # the file's safety filter
