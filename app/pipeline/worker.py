"""The worker's entry points for the CLI, the demo and the bench: an institution's context, and the parts.

The worker is four parts, each a module: the feed reader (`feed_reader`), the lease keeper (`leases`),
the pool of reconcilers (`pool`) and the schedule that runs them (`schedule`).
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sqlalchemy import Engine

from app.canvas.client import CanvasClient
from app.canvas.throttle import InMemoryThrottleGate, ThrottleGate
from app.config import InstitutionConfig
from app.ladok.directory import LadokDirectory, RestLadokDirectory
from app.ladok.http import make_client
from app.pipeline.context import InstitutionContext
from app.pipeline.feed_reader import feed_fetcher, feed_lock, read_feed
from app.pipeline.leases import HeldLeases, lease_seconds
from app.pipeline.pool import WorkerStats, run_queue
from app.pipeline.schedule import drain, run_forever, send_due_reports, stop_on_signals
from app.store.throttle_gate import DbThrottleGate, canvas_throttle_key

__all__ = [
    "HeldLeases",
    "WorkerStats",
    "context_for",
    "drain",
    "feed_fetcher",
    "feed_lock",
    "lease_seconds",
    "read_feed",
    "run_forever",
    "run_queue",
    "send_due_reports",
    "shared_gates",
    "stop_on_signals",
]


def context_for(
    inst: InstitutionConfig,
    *,
    canvas_transport: httpx.BaseTransport | None = None,
    directory: LadokDirectory | None = None,
    ladok_transport: httpx.BaseTransport | None = None,
    gate: ThrottleGate | None = None,
) -> InstitutionContext:
    """The reconcile context of an institution from its configuration (`gate`: a throttle shared wider)."""
    canvas = CanvasClient(
        inst.canvas_url,
        inst.canvas_token,
        root_account=inst.canvas_root_account_id,
        transport=canvas_transport,
        gate=gate,
    )
    if directory is None:
        client = make_client(inst.ladok_url, inst.ladok_cert, inst.ladok_cert_password, transport=ladok_transport)
        directory = RestLadokDirectory(client, inst.ladok_url)
    return InstitutionContext(inst.id, inst.settings, canvas, directory, safeguards=inst.safeguards)


def shared_gates(engine: Engine) -> Callable[[InstitutionConfig], ThrottleGate]:
    """One throttle gate per Canvas token for this process, whose back-off every worker process shares."""
    gates: dict[str, DbThrottleGate] = {}

    def gate_for(inst: InstitutionConfig) -> ThrottleGate:
        key = canvas_throttle_key(inst.canvas_url, inst.canvas_token)
        return gates.setdefault(key, DbThrottleGate(engine, key, local=InMemoryThrottleGate()))

    return gate_for
