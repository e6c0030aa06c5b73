"""A small world for end-to-end rule tests: sandbox Ladok → feed → record → reconcile → sandbox Canvas."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.canvas.client import CanvasClient
from app.canvas.throttle import InMemoryThrottleGate
from app.config import InstitutionConfig
from app.core.safeguards import SafetyLimits
from app.core.settings import InstitutionSettings
from app.core.swedish_time import swedish_today, wake_at
from app.pipeline.context import InstitutionContext
from app.pipeline.worker import context_for, drain, feed_fetcher, read_feed
from app.sandbox.canvas import DEFAULT_TOKEN, CanvasSandbox
from app.sandbox.ladok.sandbox import SandboxLadok
from app.store.course_settings import set_early_access
from app.store.db import write_session
from app.store.projection import DirtyKey
from app.store.queue import mark_dirty
from app.store.queue_tables import JobRow, TimerRow

TODAY = swedish_today()  # the pipeline's own clock, so its timers and the tests agree near midnight
START = TODAY + dt.timedelta(days=10)


class FakeClock:
    """A monotonic clock that sleeping moves forward at once, so back-off and throttling cost no real time."""

    def __init__(self) -> None:
        self._now = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        """The current time in seconds."""
        with self._lock:
            return self._now

    def sleep(self, seconds: float) -> None:
        """Let `seconds` pass."""
        with self._lock:
            self._now += max(seconds, 0.0)


@dataclass
class World:
    """Ladok and Canvas sandboxes wired to the adapter, with a movable clock."""

    engine: Engine
    settings: InstitutionSettings
    ladok: SandboxLadok = field(default_factory=SandboxLadok)
    canvas: CanvasSandbox = field(default_factory=lambda: CanvasSandbox(tokens=[DEFAULT_TOKEN]))
    today: dt.date = TODAY
    institution_id: str = "kth"  # two worlds may share one database under different ids
    clock: FakeClock | None = None  # the Canvas client's pacing and retry waits; the sandbox should share it
    safeguards: SafetyLimits = field(default_factory=SafetyLimits)  # the file's [institution.safeguards]

    @property
    def inst(self) -> InstitutionConfig:
        """The institution as configured."""
        return InstitutionConfig(
            id=self.institution_id,
            ladok_larosate_id=29,
            ladok_url="http://ladok.test",
            ladok_start_page=1,
            canvas_url="http://canvas.test",
            canvas_token=DEFAULT_TOKEN,
            settings=self.settings,
            safeguards=self.safeguards,
        )

    def context(self) -> InstitutionContext:
        """The reconcile context, talking to both sandboxes in-process."""
        ladok_transport = httpx.WSGITransport(app=self.ladok)
        ctx = context_for(self.inst, canvas_transport=self.canvas.transport(), ladok_transport=ladok_transport)
        if self.clock is not None:
            gate = InMemoryThrottleGate(clock=self.clock, sleep=self.clock.sleep)
            canvas = CanvasClient(
                self.inst.canvas_url,
                DEFAULT_TOKEN,
                root_account=self.inst.canvas_root_account_id,
                gate=gate,
                sleep=self.clock.sleep,
                transport=self.canvas.transport(),
            )
            ctx = replace(ctx, canvas=canvas)
        return replace(ctx, today=lambda: self.today)

    def sync(self, concurrency: int = 1) -> Any:
        """Read the whole feed and reconcile until idle."""
        read_feed(self.engine, self.inst, feed_fetcher(self.inst, httpx.WSGITransport(app=self.ladok)))
        return drain(self.engine, {self.institution_id: self.context()}, concurrency)

    def sync_until_settled(self, concurrency: int = 1, rounds: int = 20) -> None:
        """Sync, and retry keys that failed (backing off) at once, until none is pending; never a dead letter.

        A failed key waits 2^attempts seconds in the queue; this plays that time forward instead of sleeping.
        """
        self.sync(concurrency)
        for _ in range(rounds):
            with write_session(self.engine) as s:
                pending = s.execute(
                    update(JobRow)
                    .where(
                        JobRow.institution_id == self.institution_id,
                        JobRow.dirty_seq > JobRow.done_seq,
                        JobRow.dead.is_(False),
                    )
                    .values(not_before=dt.datetime.now(dt.UTC))
                ).rowcount
                dead = s.scalars(
                    select(JobRow.uid).where(JobRow.institution_id == self.institution_id, JobRow.dead.is_(True))
                ).all()
            assert not dead, f"dead letters: {dead}"
            if not pending:
                return
            drain(self.engine, {self.institution_id: self.context()}, concurrency)
        raise AssertionError(f"keys still pending after {rounds} rounds")

    def enrollments(self, sis_course_id: str, *, states: tuple[str, ...] = ("active",)) -> list[tuple[str, int, str]]:
        """(student sis id, role id, state) of a course's enrollments in the given states, sorted."""
        course = self.canvas.course_by_sis_id(sis_course_id)
        assert course is not None, f"no Canvas course {sis_course_id}"
        sis = {p.user_id: p.sis_user_id for p in self.canvas.logins() if p.sis_user_id}
        return sorted(
            (sis.get(e.user_id, ""), e.role_id, e.workflow_state)
            for e in self.canvas.enrollments(course_id=course.id)
            if e.workflow_state in states
        )

    def mark_dirty(self, *student_uids: str) -> None:
        """Queue students for reconciling, as a timer firing for them would (timers run on the real clock)."""
        with write_session(self.engine) as s:
            mark_dirty(s, self.institution_id, [DirtyKey("student", uid) for uid in student_uids])

    def advance(self, day: dt.date) -> None:
        """Move the clock to `day`, fire the timers the pipeline set for it or earlier, and sync.

        The queue's timers run on the real clock; this fires them by the world's clock instead, so a
        rule that needs a timer the pipeline did not set stays undone here too.
        """
        self.today = day
        by = wake_at(day + dt.timedelta(days=1))
        with write_session(self.engine) as s:
            due = s.scalars(select(TimerRow).where(TimerRow.institution_id == self.institution_id)).all()
            keys = [DirtyKey(t.kind, t.uid) for t in due if _aware(t.due_at) < by]  # type: ignore[arg-type]
            for t in due:
                if _aware(t.due_at) < by:
                    s.delete(t)
            mark_dirty(s, self.institution_id, keys)
        self.sync()

    def timers(self) -> dict[str, dt.datetime]:
        """The pipeline's pending timers: key uid → when it fires."""
        with Session(self.engine) as s:
            return {t.uid: _aware(t.due_at) for t in s.scalars(select(TimerRow))}

    def set_early_access(self, sis_course_id: str, on: bool, purge_date: dt.date | None = None) -> None:
        """A teacher turns early access on or off in the tool for the course with that sis id."""
        course = self.canvas.course_by_sis_id(sis_course_id)
        assert course is not None, f"no Canvas course {sis_course_id}"
        with write_session(self.engine) as s:
            set_early_access(s, self.institution_id, course.id, on, purge_date, by="teacher")

    def snapshot(self) -> dict[str, Any]:
        """Canvas as sis ids and states: users, courses, sections and live enrollments, for comparing runs."""
        sis_user = {p.user_id: p.sis_user_id for p in self.canvas.logins() if p.sis_user_id}
        courses = {c.id: c for c in self.canvas.courses()}
        sections = {s.id: s for s in self.canvas.sections()}
        roles = {r.id: r.label for r in self.canvas.roles()}
        accounts = {a.id: a for a in self.canvas.sub_accounts()}

        def account_path(account_id: int) -> str:
            path = []
            while account_id in accounts:
                account = accounts[account_id]
                path.append(f"{account.name}|{account.sis_account_id}")
                account_id = account.parent_account_id or 0
            return "/".join(reversed(path))

        return {
            "accounts": sorted(account_path(a.id) for a in accounts.values() if a.workflow_state == "active"),
            "course_accounts": sorted(
                (c.sis_course_id, account_path(c.account_id)) for c in courses.values() if c.sis_course_id
            ),
            "users": sorted((sis, u.name, u.email) for u in self.canvas.users() if (sis := sis_user.get(u.id))),
            "logins": sorted((p.sis_user_id, p.unique_id) for p in self.canvas.logins() if p.sis_user_id),
            "courses": sorted(
                (c.sis_course_id, c.name, c.course_code, c.workflow_state) for c in courses.values() if c.sis_course_id
            ),
            "sections": sorted(
                (s.sis_section_id, s.name, courses[s.course_id].sis_course_id)
                for s in sections.values()
                if s.sis_section_id
            ),
            "enrollments": sorted(
                (
                    sis_user.get(e.user_id, ""),
                    sections[e.course_section_id].sis_section_id or "",
                    roles[e.role_id],
                    e.workflow_state,
                )
                for e in self.canvas.enrollments()
                if e.workflow_state != "deleted"
            ),
        }


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; they were stored as UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Catalogued:
    """The uids of one catalogued offering and what it belongs to."""

    organisation: str
    course: str
    offering: str


def _ladok(target: World | SandboxLadok) -> SandboxLadok:
    return target.ladok if isinstance(target, World) else target


def add_offering(
    target: World | SandboxLadok,
    *,
    code: str = "DD1310",
    offering_code: str = "50123",
    term: str = "HT2024",
    name: str = "Programmeringsteknik",
    start: dt.date = START,
    organisation: str | None = None,
    program: bool = False,
    education_type_id: int = 5,
) -> Catalogued:
    """An organisation (unless given), a course and one offering of it in Ladok's feed and catalogue."""
    ladok = _ladok(target)
    org = organisation or ladok.add_organisation(code="EECS", names={"sv": "Skolan för datavetenskap", "en": "EECS"})
    course = ladok.add_course(code=code, names={"sv": name, "en": name}, organisation_uid=org, program=program)
    offering = ladok.add_offering(
        course_uid=course,
        code=offering_code,
        term_code=term,
        start=start,
        end=start + dt.timedelta(days=130),
        organisation_uid=org,
        program=program,
        education_type_id=education_type_id,
    )
    return Catalogued(org, course, offering)


def add_student(target: World | SandboxLadok, name: str = "Ada", personnummer: str = "199001011234") -> str:
    """A student with an e-mail address, known to Ladok's feed; returns the uid."""
    ladok = _ladok(target)
    uid = ladok.add_student(first_name=name, last_name="Lovelace", personnummer=personnummer)
    ladok.add_contact(uid, f"{name.lower()}@example.se")
    return uid


def with_roles(world: World, **overrides: Any) -> InstitutionSettings:
    """Settings with UseAdmitted and two fresh Canvas roles, plus any other overrides."""
    registered = world.canvas.create_role("Registrerad")
    admitted = world.canvas.create_role("Antagen")
    return replace(
        InstitutionSettings(use_admitted=True, role_id_registered=registered, role_id_admitted=admitted), **overrides
    )


def register(world: World, *offerings: str) -> str:
    """A new student (add_student) registered on these offerings, applied to Canvas; returns the uid."""
    student = add_student(world)
    for offering in offerings:
        world.ladok.add_registration(student, offering)
    world.sync()
    return student


def registered_class(world: World, n: int) -> tuple[str, list[str]]:
    """An offering with `n` registered students, applied to Canvas: its uid and theirs."""
    offering = add_offering(world).offering
    students = [add_student(world, name=f"S{i}", personnummer=f"19900101{1000 + i}") for i in range(n)]
    for s in students:
        world.ladok.add_registration(s, offering)
    world.sync()
    return offering, students


def withdraw_all(world: World, offering: str, students: list[str]) -> None:
    """Every student breaks off (AvbrottEvent) under a safety limit of two removals an hour."""
    world.safeguards = SafetyLimits(max_removals_per_hour=2)
    for s_uid in students:
        world.ladok.add_participation("AvbrottEvent", s_uid, offering)
    world.sync()


def add_teacher(world: World, offering: str, name: str = "Lärare Larsson") -> int:
    """A teacher enrolled by hand in the offering's Canvas course; the Canvas user id."""
    course = world.canvas.course_by_sis_id(offering)
    teacher = world.canvas.create_user(name, login_id=name.lower().replace(" ", "."))
    world.canvas.enroll(teacher, course.id, "TeacherEnrollment")
    return teacher


def messages_to(world: World, user_id: int) -> list[str]:
    """Subjects of the Canvas conversations this user is in."""
    return [c.subject for c in world.canvas.conversations() if user_id in c.participant_ids]
