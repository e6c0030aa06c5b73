"""Fixtures of the pipeline tests: a World (sandbox Ladok, sandbox Canvas, the worker) with default settings.

A module that needs other settings overrides `world` (test_rules_suspension) or sets `world.settings`.
Builders of Ladok data (add_offering, add_student, with_roles) are in world.py.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from app.core.settings import InstitutionSettings
from tests.integration.pipeline.world import World


@pytest.fixture
def world(engine: Engine) -> World:
    """A World on the test's database, with the seed's default settings."""
    return World(engine, InstitutionSettings())
