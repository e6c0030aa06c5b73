"""A faithful, stateful Canvas REST emulator for tests, benchmarks and `kursadmin demo`.

Python API (no HTTP needed)::

    from app.sandbox.canvas import CanvasSandbox, ThrottleConfig, FaultConfig

    canvas = CanvasSandbox(tokens=["secret"], throttle=ThrottleConfig(), faults=FaultConfig(seed=1))
    http = httpx.Client(base_url="http://canvas.test", transport=canvas.transport(),
                        headers={"Authorization": "Bearer secret"})      # in-process
    server = canvas.serve(); server.url; server.stop()                   # real HTTP on 127.0.0.1

Seeding (by hand, as an admin would in the UI): create_sub_account, create_term, create_user,
create_admin_user (no SIS id, optionally owning a token), delete_user, create_course, create_section,
create_role, enroll, set_enrollment_state, delete_course, conclude_course, delete_section,
crosslist, uncrosslist, send_message. Creating methods return Canvas ids. Canvas's own rules
apply (e.g. enroll upserts, delete_section refuses a section with enrollments unless told to
delete them as well); a refusal raises errors.ApiError.

Configuration: `throttle_config` and `fault_config` may be changed while running; `add_token`,
`reseed_faults`. Time: `clock` (monotonic seconds, drives the throttle), `sleep` (latency and
held-back answers) and `wall_clock` (timestamps) are injectable.

Inspection (copies of the records): users, logins, user_by_sis_id, courses, course_by_sis_id,
sections, enrollments, terms, sub_accounts, roles, conversations; request_counts() per
(method, route template), throttled_count, injected_errors, injected_timeouts, reset_stats().

Canvas at start: root account 1 with its "Default Term" (id 1), the built-in roles, and the admin
user "Sandbox Admin" (id 1, login "admin", no SIS id) who owns every configured token.

Behaviour follows the Canvas source (instructure/canvas-lms), cited in each module: SIS-id paths,
error bodies, enrollment upsert, numbered and bookmarked pagination, and the leaky-bucket throttle
(every figure configurable, as in Canvas; refusal as 403 "Rate Limit Exceeded" or, with
`ThrottleConfig(refusal="429")`, 429 with Retry-After; `throttle.reset()` empties the buckets). The
real HTTP server speaks HTTP/1.1 with keep-alive (werkzeug's threaded server), so latency is not
dominated by connection set-up. `simulated_workers.simulate` drives the bucket in simulated time.
Injected faults: a 500 changes nothing; a timeout (httpx.ReadTimeout in-process, a held-back answer
over HTTP) happens after the change by default (FaultConfig.timeout_applies_change).
"""

from app.sandbox.canvas.faults import FaultConfig
from app.sandbox.canvas.sandbox import DEFAULT_TOKEN, ROOT_ACCOUNT_ID, CanvasSandbox
from app.sandbox.canvas.throttle import ThrottleConfig

__all__ = ["DEFAULT_TOKEN", "ROOT_ACCOUNT_ID", "CanvasSandbox", "FaultConfig", "ThrottleConfig"]
