"""Who may do what (docs/rules.md §4.7, §7): admin view, course settings, co-reading consent, SSO trust."""

from __future__ import annotations

import pytest

from app.core.access import (
    CanvasPerson,
    is_institution_admin,
    link_outcome,
    may_change_course,
    peer_is_trusted,
    sso_admin_of,
)

TEACHER = CanvasPerson("501", teaches_course=True, root_admin=False)
ROOT_ADMIN = CanvasPerson("505", teaches_course=False, root_admin=True)
# Canvas sends a sub-account admin the same institution Administrator role as a root admin; the rules
# never see that role, only the root-admin flag.
SUB_ADMIN = CanvasPerson("506", teaches_course=False, root_admin=False)
TA_OR_STUDENT = CanvasPerson("502", teaches_course=False, root_admin=False)


@pytest.mark.parametrize(
    ("person", "admin"), [(ROOT_ADMIN, True), (SUB_ADMIN, False), (TEACHER, False), (TA_OR_STUDENT, False)]
)
def test_only_root_account_admins_are_institution_admins(person: CanvasPerson, admin: bool) -> None:
    assert is_institution_admin(person, frozenset()) is admin


def test_a_configured_canvas_user_is_an_institution_admin() -> None:
    assert is_institution_admin(SUB_ADMIN, frozenset({"506"}))
    assert not is_institution_admin(CanvasPerson(None, False, False), frozenset({"506"}))


@pytest.mark.parametrize(
    ("person", "allowed"), [(TEACHER, True), (ROOT_ADMIN, True), (SUB_ADMIN, False), (TA_OR_STUDENT, False)]
)
def test_course_settings_are_for_the_courses_teachers_and_institution_admins(
    person: CanvasPerson, allowed: bool
) -> None:
    assert may_change_course(person, frozenset()) is allowed


def test_a_sub_account_admin_who_teaches_the_course_changes_it_as_its_teacher() -> None:
    assert may_change_course(CanvasPerson("506", teaches_course=True, root_admin=False), frozenset())


@pytest.mark.parametrize(
    ("admin", "teaches", "outcome"),
    [
        (True, None, "link"),
        (False, True, "link"),
        (False, False, "request"),
        (False, None, "ask_again"),
    ],
)
def test_linking_needs_consent_or_an_admin(admin: bool, teaches: bool | None, outcome: str) -> None:
    assert link_outcome(admin, teaches) == outcome


@pytest.mark.parametrize(
    ("peer", "trusted"),
    [
        ("10.0.0.5", True),
        ("10.1.2.3", True),
        ("::ffff:10.0.0.5", True),
        ("10.0.0.6", False),
        ("2001:db8::1", True),
        ("192.168.1.1", False),
        ("", False),
        (None, False),
        ("not-an-address", False),
    ],
)
def test_only_configured_proxy_addresses_are_trusted(peer: str | None, trusted: bool) -> None:
    assert peer_is_trusted(peer, ("10.0.0.5", "10.1.0.0/16", "2001:db8::/32")) is trusted


def test_sso_identities_compare_without_case_and_map_to_their_institutions() -> None:
    admins = {"Ops@KTH.se": ("kth",), "ops@kth.se ": ("su",), "other@uu.se": ("uu",)}
    assert sso_admin_of(" ops@kth.SE", admins) == ("kth", "su")
    assert sso_admin_of("nobody@kth.se", admins) == ()
