"""Student accounts end to end (docs/rules.md §4.3): when they are made, their login, e-mail, name and updates."""

from __future__ import annotations

import pytest

from app.core.settings import InstitutionSettings
from app.sandbox.ladok import xmlwriter as w
from tests.integration.pipeline.world import World, add_offering, add_student, with_roles


def _update_student(world: World, uid: str, first: str, last: str, personnummer: str) -> None:
    """A LokalStudentEvent UPPDATERAD, and the same data in Ladok's REST catalogue."""
    world.ladok.catalogue.students[uid] = {
        "Uid": uid,
        "Fornamn": first,
        "Efternamn": last,
        "Personnummer": personnummer,
    }
    xml = w.lokal_student_xml(
        uid, first_name=first, last_name=last, personnummer=personnummer, handelsetyp="UPPDATERAD", larosate_id=29
    )
    world.ladok.add_event_xml("studentinformation", "LokalStudentEvent", xml)


def _login_ids(world: World, sis_user_id: str) -> list[str]:
    user = world.canvas.user_by_sis_id(sis_user_id)
    assert user is not None
    return [p.unique_id for p in world.canvas.logins(user.id) if p.workflow_state == "active"]


def test_student_till_larosate_alone_creates_no_account(world: World) -> None:
    add_offering(world)
    student = add_student(world)
    world.ladok.add_student_till_larosate(student, first_name="Ada", last_name="Lovelace", personnummer="199001011234")

    world.sync()

    assert world.canvas.user_by_sis_id(student) is None


def test_admission_without_early_access_creates_no_account(world: World) -> None:
    world.settings = with_roles(world)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_admission(student, offering)

    world.sync()

    assert world.canvas.user_by_sis_id(student) is None


def test_admission_with_early_access_creates_the_account(world: World) -> None:
    world.settings = with_roles(world, early_access_on_create_course=True)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_admission(student, offering)

    world.sync()

    assert world.canvas.user_by_sis_id(student) is not None
    assert world.enrollments(offering) == [(student, world.settings.role_id_admitted, "active")]


def test_login_id_is_the_personnummer_with_ssn(world: World) -> None:
    world.settings = InstitutionSettings(use_as_login_id="ssn")
    offering = add_offering(world).offering
    student = add_student(world, personnummer="199202021234")
    world.ladok.add_registration(student, offering)

    world.sync()

    assert _login_ids(world, student) == ["199202021234"]


def test_login_id_is_the_ladok_uid_by_default(world: World) -> None:
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)

    world.sync()

    assert _login_ids(world, student) == [student]


@pytest.mark.parametrize("email_on", [True, False])
def test_email_follows_update_email_from_ladok(world: World, email_on: bool) -> None:
    world.settings = InstitutionSettings(update_email_from_ladok=email_on)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    assert world.canvas.user_by_sis_id(student).email == ("ada@example.se" if email_on else None)

    world.ladok.add_contact(student, "ada.new@example.se")
    world.sync()

    assert world.canvas.user_by_sis_id(student).email == ("ada.new@example.se" if email_on else None)


@pytest.mark.parametrize("update_name", [True, False])
def test_name_follows_update_name_from_ladok(world: World, update_name: bool) -> None:
    world.settings = InstitutionSettings(update_name_from_ladok=update_name)
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()

    _update_student(world, student, "Augusta", "King", "199001011234")
    world.sync()

    assert world.canvas.user_by_sis_id(student).name == ("Augusta King" if update_name else "Ada Lovelace")


@pytest.mark.parametrize("update_ssn", [True, False])
def test_personnummer_change_follows_update_ssn_from_ladok(world: World, update_ssn: bool) -> None:
    world.settings = InstitutionSettings(use_as_login_id="ssn", update_ssn_from_ladok=update_ssn)
    offering = add_offering(world).offering
    student = add_student(world, personnummer="199001011234")
    world.ladok.add_registration(student, offering)
    world.sync()

    _update_student(world, student, "Ada", "Lovelace", "199001019999")
    world.sync()

    assert _login_ids(world, student) == (["199001019999"] if update_ssn else ["199001011234"])
    assert [(s, st) for s, _r, st in world.enrollments(offering)] == [(student, "active")]


@pytest.mark.parametrize("login_setting", ["ladokuid", "ssn"])
def test_existing_user_with_the_same_login_is_adopted_not_duplicated(world: World, login_setting: str) -> None:
    world.settings = InstitutionSettings(use_as_login_id=login_setting)  # type: ignore[arg-type]
    offering = add_offering(world).offering
    student = add_student(world, personnummer="199303031234")
    login = "199303031234" if login_setting == "ssn" else student
    existing = world.canvas.create_user("Ada L.", login_id=login)
    users_before = len(world.canvas.users())
    world.ladok.add_registration(student, offering)

    world.sync()

    adopted = world.canvas.user_by_sis_id(student)
    assert adopted is not None and adopted.id == existing
    assert adopted.name == "Ada Lovelace"  # UpdateNameFromLadok (default true) applies to an adopted account
    assert len(world.canvas.users()) == users_before
    assert [(s, st) for s, _r, st in world.enrollments(offering)] == [(student, "active")]


def test_admin_accounts_without_sis_id_are_never_touched(world: World) -> None:
    # An admin who happens to share a student's name: only the SIS id and login identify a student.
    admin = world.canvas.create_admin_user("Ada Lovelace", login_id="ada.admin")
    world.canvas.enroll(admin, world.canvas.create_course("Adminkurs"), "TeacherEnrollment")
    before = (
        [u for u in world.canvas.users() if u.id == admin],
        world.canvas.logins(admin),
        world.canvas.enrollments(user_id=admin),
    )
    offering = add_offering(world).offering
    student = add_student(world)
    world.ladok.add_registration(student, offering)
    world.sync()
    _update_student(world, student, "Ada", "Byron", "199001011234")
    world.ladok.add_contact(student, "ada.byron@example.se")
    world.ladok.add_participation("AvbrottEvent", student, offering)

    world.sync()

    assert (
        [u for u in world.canvas.users() if u.id == admin],
        world.canvas.logins(admin),
        world.canvas.enrollments(user_id=admin),
    ) == before
    assert world.canvas.user_by_sis_id(student).id != admin


def test_student_known_only_to_ladoks_rest_api_gets_an_account(world: World) -> None:
    offering = add_offering(world).offering
    student = world.ladok.add_student(
        first_name="Greta", last_name="Garbo", personnummer="190509189999", email="greta@example.se", emit=False
    )
    world.ladok.add_registration(student, offering)

    world.sync()

    user = world.canvas.user_by_sis_id(student)
    assert (user.name, user.email) == ("Greta Garbo", "greta@example.se")
