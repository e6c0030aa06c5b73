"""The schedule: read feeds and reconcile for ever, send the status reports when due, or drain until idle.

`run_forever` stops on SIGTERM or SIGINT after finishing the keys in hand; `drain` stops once nothing is
left that time can settle (`app/core/idle.py`).
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import FrameType

from sqlalchemy import Engine

from app.config import InstitutionConfig, MailConfig
from app.pipeline.context import InstitutionContext
from app.pipeline.feed_reader import read_feed
from app.pipeline.leases import lease_seconds
from app.pipeline.pool import WorkerStats, run_queue
from app.pipeline.report import build_report, send_report
from app.store.control import take_report_turn
from app.store.db import write_session

log = logging.getLogger(__name__)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """While the block runs in the main thread, SIGTERM and SIGINT set `stop` instead of killing the process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("%s: finishing the keys in hand, then stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_forever(
    engine: Engine,
    institutions: list[InstitutionConfig],
    contexts: Mapping[str, InstitutionContext],
    fetchers: Mapping[str, Callable[[str], bytes]],
    concurrency: int,
    poll: float = 5.0,
    stop: threading.Event | None = None,
    lease: float | None = None,
    mail: MailConfig | None = None,
) -> None:
    """Read feeds every `poll` seconds and reconcile continuously until `stop` is set (or SIGTERM/SIGINT).

    With `mail`, one of the workers sends each institution's status report every `mail.every_minutes`.
    """
    stop = stop or threading.Event()
    lease = lease if lease is not None else lease_seconds()  # a bad setting stops start-up, not one thread
    with stop_on_signals(stop):
        reconcilers = threading.Thread(
            target=run_queue, args=(engine, contexts, concurrency, False, stop, min(poll, 1.0), lease), daemon=True
        )
        reconcilers.start()
        while not stop.is_set():
            for inst in institutions:
                try:
                    read_feed(engine, inst, fetchers[inst.id], stop)
                except Exception:  # Ladok down or a bad page: keep the position, try again next round
                    log.exception("reading the feed of %s failed", inst.id)
                if stop.is_set():
                    break
            if mail is not None:
                send_due_reports(engine, list(contexts), mail)
            stop.wait(poll)
        reconcilers.join()


def send_due_reports(engine: Engine, institution_ids: list[str], mail: MailConfig) -> int:
    """Send the status report of each institution whose period is over (once, whichever worker gets there)."""
    sent = 0
    for institution_id in institution_ids:
        try:
            with write_session(engine) as s:
                since = take_report_turn(s, institution_id, dt.timedelta(minutes=mail.every_minutes))
            if since is not None:
                send_report(build_report(engine, institution_id, since), mail)
                sent += 1
        except Exception:  # a mail server down must not stop the adapter; the next period tries again
            log.exception("sending the status report of %s failed", institution_id)
    return sent


def drain(
    engine: Engine,
    contexts: Mapping[str, InstitutionContext],
    concurrency: int = 1,
    lease: float | None = None,
    max_wait: float = 0.0,
    notify: Callable[[str], None] = log.info,
) -> WorkerStats:
    """Reconcile until nothing is left that time settles, waiting up to `max_wait` seconds for the rest.

    The stats' `remaining` names what is left (empty: all done). SIGTERM/SIGINT asks to stop after the
    keys in hand; the run then ends without counting what it left.
    """
    started = time.monotonic()
    stop = threading.Event()
    with stop_on_signals(stop):
        stats = run_queue(
            engine, contexts, concurrency, until_idle=True, stop=stop, lease=lease, max_wait=max_wait, notify=notify
        )
    log.info("drained %d keys (%d operations) in %.1fs", stats.keys, stats.operations, time.monotonic() - started)
    return stats
