"""CanvasSandbox: one emulated Canvas with its configuration, seeding, inspection and front ends."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Protocol, TypeVar

import httpx

from app.sandbox.canvas import (
    routes_accounts,
    routes_conversations,
    routes_courses,
    routes_enrollments,
    routes_roles,
    routes_sections,
    routes_terms,
    routes_users,
)
from app.sandbox.canvas.dispatch import CanvasApp
from app.sandbox.canvas.faults import FaultConfig, FaultInjector
from app.sandbox.canvas.lookup import find_role
from app.sandbox.canvas.ops_courses import (
    NewCourse,
    conclude_course,
    create_course,
    create_section,
    crosslist_section,
    delete_course,
    delete_section,
    destroy_section,
    uncrosslist_section,
)
from app.sandbox.canvas.ops_enrollments import NewEnrollment, enroll_user, resolve_role
from app.sandbox.canvas.ops_users import NewUser, create_user, remove_user
from app.sandbox.canvas.pages import canvas_pages
from app.sandbox.canvas.router import Router
from app.sandbox.canvas.routes_accounts import create_sub_account
from app.sandbox.canvas.routes_conversations import send_message
from app.sandbox.canvas.routes_roles import add_role
from app.sandbox.canvas.routes_terms import create_term
from app.sandbox.canvas.server import RunningServer, serve
from app.sandbox.canvas.state import (
    Account,
    CanvasState,
    Conversation,
    Course,
    Enrollment,
    Pseudonym,
    Role,
    Section,
    Term,
    User,
    utc_now,
)
from app.sandbox.canvas.throttle import Throttle, ThrottleConfig
from app.sandbox.canvas.transport import SandboxTransport


class _Record(Protocol):
    """A dataclass record of the emulated state, with its Canvas id."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]
    id: int


T = TypeVar("T", bound=_Record)
ROOT_ACCOUNT_ID = 1
DEFAULT_TOKEN = "sandbox-token"  # noqa: S105 - a fixed test credential of the emulator, not a secret


def build_router() -> Router:
    """All emulated Canvas routes."""
    router = Router()
    for module in (
        routes_accounts,
        routes_terms,
        routes_users,
        routes_courses,
        routes_sections,
        routes_enrollments,
        routes_roles,
        routes_conversations,
    ):
        module.register(router)
    return router


def _copies(records: Iterable[T]) -> list[T]:
    return [dataclasses.replace(r) for r in sorted(records, key=lambda r: r.id)]


class CanvasSandbox:
    """A stateful Canvas emulator; every method is thread-safe and works without HTTP."""

    def __init__(
        self,
        tokens: Iterable[str] = (DEFAULT_TOKEN,),
        *,
        throttle: ThrottleConfig | None = None,
        faults: FaultConfig | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.state = CanvasState(wall_clock)
        self.throttle_config = throttle or ThrottleConfig()
        self.fault_config = faults or FaultConfig()
        self._sleep = sleep
        with self.state.lock:
            admin, _ = create_user(self.state, ROOT_ACCOUNT_ID, NewUser(unique_id="admin", name="Sandbox Admin"))
        self.admin_user_id = admin.id
        self.app = CanvasApp(
            self.state,
            build_router(),
            {t: admin.id for t in tokens},
            Throttle(self.throttle_config, clock),
            FaultInjector(self.fault_config),
            sleep,
        )

    # Front ends -------------------------------------------------------------------------------

    def transport(self) -> httpx.BaseTransport:
        """An httpx transport that serves requests in-process."""
        return SandboxTransport(self.app)

    def client(self, base_url: str = "http://canvas.sandbox", token: str = DEFAULT_TOKEN) -> httpx.Client:
        """A plain httpx.Client on the in-process transport, authenticated with `token`."""
        return httpx.Client(base_url=base_url, transport=self.transport(), headers={"Authorization": f"Bearer {token}"})

    def serve(self, nav: Mapping[str, str] | None = None) -> RunningServer:
        """Start a threaded HTTP server on 127.0.0.1 with a free port (`.url`, `.stop()`).

        Beside the API it serves pages for people (`/`, `/courses/:id`); `nav` links them to other pages.
        """
        return serve(self.app, canvas_pages(self, nav), self._sleep)

    def add_token(self, token: str, user_id: int | None = None) -> None:
        """Accept another access token, owned by `user_id` (default: the sandbox admin)."""
        self.app.tokens[token] = user_id or self.admin_user_id

    def reseed_faults(self, seed: int) -> None:
        """Restart the fault sequence from `seed`."""
        self.app.faults.reseed(seed)

    # Seeding ----------------------------------------------------------------------------------

    def create_sub_account(self, name: str, sis_account_id: str | None = None, parent_id: int = ROOT_ACCOUNT_ID) -> int:
        """Add a sub-account; returns its id."""
        with self.state.lock:
            return create_sub_account(self.state, self.state.accounts[parent_id], name, sis_account_id).id

    def create_term(
        self, name: str, sis_term_id: str | None = None, start_at: str | None = None, end_at: str | None = None
    ) -> int:
        """Add a term to the root account; returns its id."""
        with self.state.lock:
            return create_term(self.state, ROOT_ACCOUNT_ID, name, sis_term_id, start_at, end_at).id

    def create_user(self, name: str, login_id: str, sis_user_id: str | None = None, email: str | None = None) -> int:
        """Add a user with one login; returns the user id."""
        with self.state.lock:
            user, _ = create_user(
                self.state,
                ROOT_ACCOUNT_ID,
                NewUser(unique_id=login_id, name=name, sis_user_id=sis_user_id, email=email),
            )
            return user.id

    def create_admin_user(self, name: str, login_id: str, token: str | None = None) -> int:
        """Add a user without SIS id, optionally owning an access token; returns the user id."""
        user_id = self.create_user(name, login_id)
        if token:
            self.add_token(token, user_id)
        return user_id

    def delete_user(self, user_id: int) -> None:
        """Remove a user from the root account by hand: its logins are deleted, their SIS ids stay taken."""
        with self.state.lock:
            remove_user(self.state, self.state.users[user_id], ROOT_ACCOUNT_ID)

    def create_course(
        self,
        name: str,
        sis_course_id: str | None = None,
        *,
        account_id: int = ROOT_ACCOUNT_ID,
        term_id: int | None = None,
        course_code: str | None = None,
        published: bool = False,
    ) -> int:
        """Add a course; returns its id."""
        with self.state.lock:
            return create_course(
                self.state,
                account_id,
                NewCourse(
                    name=name, course_code=course_code, sis_course_id=sis_course_id, term_id=term_id, offer=published
                ),
            ).id

    def create_section(self, course_id: int, name: str, sis_section_id: str | None = None) -> int:
        """Add a section (e.g. a manual one without SIS id); returns its id."""
        with self.state.lock:
            return create_section(self.state, self.state.courses[course_id], name, sis_section_id).id

    def create_role(self, label: str, base_role_type: str = "StudentEnrollment") -> int:
        """Add a custom role to the root account; returns its id."""
        with self.state.lock:
            return add_role(self.state, ROOT_ACCOUNT_ID, label, base_role_type).id

    def enroll(
        self,
        user_id: int,
        course_id: int,
        type_name: str = "StudentEnrollment",
        *,
        role_id: int | None = None,
        section_id: int | None = None,
        state: str = "active",
    ) -> int:
        """Enroll a user by hand (upserting like Canvas); returns the enrollment id."""
        with self.state.lock:
            role = find_role(self.state, role_id) if role_id is not None else None
            type_name, resolved = resolve_role(self.state, type_name, role)
            section = self.state.sections[section_id] if section_id is not None else None
            return enroll_user(
                self.state,
                self.state.courses[course_id],
                NewEnrollment(
                    user=self.state.users[user_id],
                    type=type_name,
                    role=resolved,
                    section=section,
                    enrollment_state=state,
                ),
            ).id

    def set_enrollment_state(self, enrollment_id: int, state: str) -> None:
        """Change an enrollment's workflow state by hand."""
        with self.state.lock:
            enrollment = self.state.enrollments[enrollment_id]
            enrollment.workflow_state = state
            enrollment.updated_at = self.state.timestamp()

    def delete_course(self, course_id: int) -> None:
        """Delete a course as an admin would in the UI (its enrollments go with it)."""
        with self.state.lock:
            delete_course(self.state, self.state.courses[course_id])

    def conclude_course(self, course_id: int) -> None:
        """Conclude a course by hand."""
        with self.state.lock:
            conclude_course(self.state, self.state.courses[course_id])

    def delete_section(self, section_id: int, with_enrollments: bool = False) -> None:
        """Delete a section by hand; refused while it has enrollments unless with_enrollments deletes them too."""
        with self.state.lock:
            section = self.state.sections[section_id]
            if with_enrollments:
                destroy_section(self.state, section)
            else:
                delete_section(self.state, section)

    def crosslist(self, section_id: int, course_id: int) -> None:
        """Cross-list a section into another course by hand."""
        with self.state.lock:
            crosslist_section(self.state, self.state.sections[section_id], self.state.courses[course_id])

    def uncrosslist(self, section_id: int) -> None:
        """Return a cross-listed section to its home course by hand."""
        with self.state.lock:
            uncrosslist_section(self.state, self.state.sections[section_id])

    def send_message(self, recipient_ids: list[int], subject: str, body: str) -> list[int]:
        """Send a conversation message from the sandbox admin; returns conversation ids."""
        with self.state.lock:
            return [c.id for c in send_message(self.state, self.admin_user_id, recipient_ids, subject, body)]

    # Inspection (copies; changing them does not change the sandbox) ---------------------------

    def users(self) -> list[User]:
        """All users, including the sandbox admin."""
        with self.state.lock:
            return _copies(self.state.users.values())

    def logins(self, user_id: int | None = None) -> list[Pseudonym]:
        """Logins (pseudonyms), of one user or all, any workflow state."""
        with self.state.lock:
            return _copies(p for p in self.state.pseudonyms.values() if user_id is None or p.user_id == user_id)

    def user_by_sis_id(self, sis_user_id: str) -> User | None:
        """The user holding an SIS user id on any login, if any."""
        with self.state.lock:
            login = next((p for p in self.state.pseudonyms.values() if p.sis_user_id == sis_user_id), None)
            return dataclasses.replace(self.state.users[login.user_id]) if login else None

    def courses(self) -> list[Course]:
        """All courses, deleted ones included."""
        with self.state.lock:
            return _copies(self.state.courses.values())

    def course_by_sis_id(self, sis_course_id: str) -> Course | None:
        """The course with an SIS id, deleted or not."""
        with self.state.lock:
            course = next((c for c in self.state.courses.values() if c.sis_course_id == sis_course_id), None)
            return dataclasses.replace(course) if course else None

    def sections(self, course_id: int | None = None) -> list[Section]:
        """Sections, of one course or all, any workflow state."""
        with self.state.lock:
            return _copies(s for s in self.state.sections.values() if course_id is None or s.course_id == course_id)

    def enrollments(self, course_id: int | None = None, user_id: int | None = None) -> list[Enrollment]:
        """Enrollments in every state, optionally of one course and/or user."""
        with self.state.lock:
            return _copies(
                e
                for e in self.state.enrollments.values()
                if (course_id is None or e.course_id == course_id) and (user_id is None or e.user_id == user_id)
            )

    def terms(self) -> list[Term]:
        """All terms, the root account's Default Term first."""
        with self.state.lock:
            return _copies(self.state.terms.values())

    def sub_accounts(self) -> list[Account]:
        """Every account except the root account."""
        with self.state.lock:
            return _copies(a for a in self.state.accounts.values() if a.root_account_id is not None)

    def roles(self) -> list[Role]:
        """Built-in and custom roles."""
        with self.state.lock:
            return _copies(self.state.roles.values())

    def conversations(self) -> list[Conversation]:
        """All conversations with their messages."""
        with self.state.lock:
            return [
                dataclasses.replace(c, messages=list(c.messages), participant_ids=list(c.participant_ids))
                for c in sorted(self.state.conversations.values(), key=lambda c: c.id)
            ]

    # Statistics ---------------------------------------------------------------------------------

    def request_counts(self) -> dict[tuple[str, str], int]:
        """Requests seen per (method, route template), throttled and failed ones included."""
        with self.app.stats.lock:
            return dict(self.app.stats.requests)

    @property
    def throttled_count(self) -> int:
        """How many responses were 403 Rate Limit Exceeded."""
        return self.app.stats.throttled

    @property
    def injected_errors(self) -> int:
        """How many simulated 500s were returned."""
        return self.app.stats.server_errors

    @property
    def injected_timeouts(self) -> int:
        """How many simulated timeouts happened."""
        return self.app.stats.timeouts

    def reset_stats(self) -> None:
        """Forget request counts and throttle/fault tallies."""
        with self.app.stats.lock:
            self.app.stats.requests.clear()
            self.app.stats.throttled = 0
            self.app.stats.server_errors = 0
            self.app.stats.timeouts = 0
