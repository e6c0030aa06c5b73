"""In-memory Canvas records and the store that owns them (one lock, one id sequence per table)."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

# Course roles Canvas ships with (app/models/role.rb ENROLLMENT_TYPES) and their default labels.
# Ids follow the order a fresh Canvas install creates them in (AccountAdmin first); real installs
# differ, which is why clients must look roles up rather than hard-code ids.
BUILT_IN_ROLES: tuple[tuple[int, str, str], ...] = (
    (1, "AccountAdmin", "Account Admin"),
    (3, "StudentEnrollment", "Student"),
    (4, "TeacherEnrollment", "Teacher"),
    (5, "TaEnrollment", "TA"),
    (6, "DesignerEnrollment", "Designer"),
    (7, "ObserverEnrollment", "Observer"),
)
ENROLLMENT_TYPES = frozenset(name for _, name, _ in BUILT_IN_ROLES if name.endswith("Enrollment"))


def utc_now() -> dt.datetime:
    """Return the current UTC time (the default wall clock for timestamps)."""
    return dt.datetime.now(dt.UTC)


@dataclass
class Account:
    """A root account or sub-account (app/models/account.rb)."""

    id: int
    name: str
    parent_account_id: int | None
    root_account_id: int | None
    sis_account_id: str | None = None
    workflow_state: str = "active"
    uuid: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class Term:
    """An enrollment term of a root account (app/models/enrollment_term.rb)."""

    id: int
    root_account_id: int
    name: str
    sis_term_id: str | None
    start_at: str | None
    end_at: str | None
    created_at: str
    workflow_state: str = "active"


@dataclass
class Pseudonym:
    """A login of a user in a root account (app/models/pseudonym.rb)."""

    id: int
    user_id: int
    account_id: int
    unique_id: str
    sis_user_id: str | None
    created_at: str
    workflow_state: str = "active"


@dataclass
class User:
    """A Canvas user; logins and e-mail live beside it as in Canvas."""

    id: int
    name: str
    short_name: str
    sortable_name: str
    created_at: str
    email: str | None = None
    workflow_state: str = "registered"


@dataclass
class Course:
    """A course; workflow_state uses Canvas's internal names (created, claimed, available, completed, deleted)."""

    id: int
    account_id: int
    root_account_id: int
    enrollment_term_id: int
    name: str
    course_code: str
    sis_course_id: str | None
    created_at: str
    start_at: str | None = None
    end_at: str | None = None
    restrict_enrollments_to_course_dates: bool = False
    workflow_state: str = "claimed"
    uuid: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class Section:
    """A course section; nonxlist_course_id is its home course while cross-listed."""

    id: int
    course_id: int
    root_account_id: int
    name: str
    sis_section_id: str | None
    created_at: str
    default_section: bool = False
    nonxlist_course_id: int | None = None
    start_at: str | None = None
    end_at: str | None = None
    workflow_state: str = "active"


@dataclass
class Enrollment:
    """A user's membership of a section with a type and role (app/models/enrollment.rb)."""

    id: int
    user_id: int
    course_id: int
    course_section_id: int
    root_account_id: int
    type: str
    role_id: int
    workflow_state: str
    created_at: str
    updated_at: str
    start_at: str | None = None
    end_at: str | None = None
    associated_user_id: int | None = None
    limit_privileges_to_course_section: bool = False


@dataclass
class Role:
    """A built-in or custom role of an account."""

    id: int
    account_id: int
    role: str
    label: str
    base_role_type: str
    created_at: str
    workflow_state: str = "active"

    @property
    def is_course_role(self) -> bool:
        """Whether enrollments may use this role."""
        return self.base_role_type in ENROLLMENT_TYPES


@dataclass
class Message:
    """One message in a conversation."""

    id: int
    author_id: int
    body: str
    created_at: str


@dataclass
class Conversation:
    """A conversation between users (app/models/conversation.rb)."""

    id: int
    subject: str
    participant_ids: list[int]
    messages: list[Message]
    private: bool


class CanvasState:
    """All records of one emulated Canvas; callers hold `lock` while reading or changing them."""

    def __init__(self, wall_clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.lock = threading.RLock()
        self.wall_clock = wall_clock
        self.accounts: dict[int, Account] = {}
        self.terms: dict[int, Term] = {}
        self.users: dict[int, User] = {}
        self.pseudonyms: dict[int, Pseudonym] = {}
        self.courses: dict[int, Course] = {}
        self.sections: dict[int, Section] = {}
        self.enrollments: dict[int, Enrollment] = {}
        self.roles: dict[int, Role] = {}
        self.conversations: dict[int, Conversation] = {}
        self._next_ids: dict[str, int] = {}
        self._message_ids = 0
        # Indexes for the lookups every request makes; records only change through the methods below.
        self._logins_by_user: dict[int, list[Pseudonym]] = {}
        self._login_by_sis: dict[tuple[int, str], Pseudonym] = {}
        self._logins_by_unique_id: dict[tuple[int, str], list[Pseudonym]] = {}
        self._enrollments_by_user: dict[int, list[Enrollment]] = {}
        root = Account(
            id=self.next_id("accounts"), name="Site Admin Root", parent_account_id=None, root_account_id=None
        )
        self.accounts[root.id] = root
        # Every root account owns a "Default Term" (EnrollmentTerm::DEFAULT_TERM_NAME).
        term = Term(
            id=self.next_id("terms"),
            root_account_id=root.id,
            name="Default Term",
            sis_term_id=None,
            start_at=None,
            end_at=None,
            created_at=self.timestamp(),
        )
        self.terms[term.id] = term
        for role_id, name, label in BUILT_IN_ROLES:
            self.roles[role_id] = Role(
                id=role_id, account_id=root.id, role=name, label=label, base_role_type=name, created_at=self.timestamp()
            )
        self._next_ids["roles"] = max(r for r, _, _ in BUILT_IN_ROLES) + 1

    def next_id(self, table: str) -> int:
        """Allocate the next id of a table, starting at 1 like a fresh Canvas database."""
        value = self._next_ids.get(table, 1)
        self._next_ids[table] = value + 1
        return value

    def next_message_id(self) -> int:
        """Allocate the next conversation message id."""
        self._message_ids += 1
        return self._message_ids

    def timestamp(self) -> str:
        """Current time in Canvas's ISO 8601 form (seconds, trailing Z)."""
        return self.wall_clock().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def root_of(self, account_id: int) -> int:
        """The root account id of an account."""
        account = self.accounts[account_id]
        return account.root_account_id or account.id

    def account_chain(self, account_id: int) -> list[int]:
        """An account and its ancestors up to the root account."""
        chain: list[int] = []
        current: int | None = account_id
        while current is not None:
            chain.append(current)
            current = self.accounts[current].parent_account_id
        return chain

    def default_term_id(self, root_account_id: int) -> int:
        """The id of a root account's default term."""
        return min(t.id for t in self.terms.values() if t.root_account_id == root_account_id)

    def add_login(self, login: Pseudonym) -> None:
        """Store a new login and index it."""
        self.pseudonyms[login.id] = login
        self._logins_by_user.setdefault(login.user_id, []).append(login)
        self._index_login(login)

    def set_login_ids(self, login: Pseudonym, unique_id: str, sis_user_id: str | None) -> None:
        """Change a login's unique_id and SIS id, keeping the indexes right."""
        if login.sis_user_id and self._login_by_sis.get((login.account_id, login.sis_user_id)) is login:
            del self._login_by_sis[(login.account_id, login.sis_user_id)]
        self._logins_by_unique_id[(login.account_id, login.unique_id.lower())].remove(login)
        login.unique_id = unique_id
        login.sis_user_id = sis_user_id
        self._index_login(login)

    def _index_login(self, login: Pseudonym) -> None:
        if login.sis_user_id:
            self._login_by_sis[(login.account_id, login.sis_user_id)] = login
        self._logins_by_unique_id.setdefault((login.account_id, login.unique_id.lower()), []).append(login)

    def login_with_sis_id(self, account_id: int, sis_user_id: str) -> Pseudonym | None:
        """The login of a root account holding an SIS user id, in any workflow state."""
        return self._login_by_sis.get((account_id, sis_user_id))

    def logins_with_unique_id(self, account_id: int, unique_id: str) -> list[Pseudonym]:
        """Logins of a root account with this unique_id, compared case-insensitively, any state."""
        return list(self._logins_by_unique_id.get((account_id, unique_id.lower()), []))

    def add_enrollment(self, enrollment: Enrollment) -> None:
        """Store a new enrollment and index it by user."""
        self.enrollments[enrollment.id] = enrollment
        self._enrollments_by_user.setdefault(enrollment.user_id, []).append(enrollment)

    def enrollments_of(self, user_id: int) -> list[Enrollment]:
        """A user's enrollments in every state, oldest first."""
        return list(self._enrollments_by_user.get(user_id, []))

    def active_pseudonyms(self, user_id: int) -> list[Pseudonym]:
        """A user's active logins, oldest first."""
        return [p for p in self._logins_by_user.get(user_id, []) if p.workflow_state == "active"]

    def sis_pseudonym(self, user_id: int) -> Pseudonym | None:
        """The login whose sis_user_id Canvas shows for a user (the first active one with an SIS id)."""
        return next((p for p in self.active_pseudonyms(user_id) if p.sis_user_id), None)
