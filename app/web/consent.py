"""Asking Canvas, when a teacher links an offering, whether they teach its own course (docs/rules.md §4.7)."""

from __future__ import annotations

import logging

from app.canvas.backoff import RetryPolicy
from app.canvas.client import CanvasClient
from app.canvas.errors import CanvasError
from app.canvas.teachers import teaches_course
from app.config import InstitutionConfig

log = logging.getLogger(__name__)

# A person waits on this answer: a couple of quick tries, then "try again" rather than a hanging page.
CHECK_RETRY = RetryPolicy(attempts=2, max_delay=2.0, throttle_attempts=3, throttle_base_delay=1.0)
CHECK_TIMEOUT = 10.0


def teaches_offering_course(inst: InstitutionConfig, offering_uid: str, canvas_user_id: str | None) -> bool | None:
    """Whether the Canvas user actively teaches the offering's own Canvas course (SIS id = offering UID).

    None when Canvas could not answer. A launch without a Canvas user id cannot show consent: False.
    """
    if canvas_user_id is None:
        return False
    client = CanvasClient(
        inst.canvas_url,
        inst.canvas_token,
        root_account=inst.canvas_root_account_id,
        retry=CHECK_RETRY,
        timeout=CHECK_TIMEOUT,
    )
    try:
        return teaches_course(client, offering_uid, canvas_user_id)
    except (CanvasError, ValueError) as err:  # ValueError: an answer that is not Canvas's JSON
        log.warning("could not ask Canvas (%s) who teaches offering %s: %s", inst.id, offering_uid, err)
        return None
    finally:
        client.close()
