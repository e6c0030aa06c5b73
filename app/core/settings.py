"""Per-institution adapter settings (docs/rules.md §4.8): the seed's switches, their defaults and cross-rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Literal

from app.core.education_types import EDUCATION_TYPES


@dataclass(frozen=True, slots=True)
class InstitutionSettings:
    """The seed's configuration switches; attribute names are the seed's names in snake_case."""

    use_as_login_id: Literal["ssn", "ladokuid"] = "ladokuid"
    update_email_from_ladok: bool = True
    update_name_from_ladok: bool = True
    update_ssn_from_ladok: bool = False
    use_subaccounts_for_program_and_courses: bool = False
    sub_account_new_organisations: int = 1
    course_name_format: Literal[1, 2, 3, 4] = 1
    use_admitted: bool = False
    role_id_registered: int | None = None
    role_id_admitted: int | None = None
    update_course_from_ladok: bool = True
    early_access_on_create_course: bool = False
    early_access_disable_purge: bool = False
    use_restrictions: bool = False
    restrictions_send_message_to_teachers: bool = False
    education_type_ignore_list: tuple[int, ...] = ()
    use_concluded: bool = False
    enrollments_other_sections: bool = False

    def role_id_for(self, kind: str) -> int | None:
        """The Canvas role of an adapter enrollment of this kind ("registered"/"admitted"; None: the student role)."""
        if kind == "admitted":
            return self.role_id_admitted
        return self.role_id_registered if self.use_admitted else None

    def problems(self) -> list[tuple[str, str]]:
        """The cross-rules this combination breaks, as (seed key, message) pairs."""
        found: list[tuple[str, str]] = []
        if self.update_ssn_from_ladok and self.use_as_login_id != "ssn":
            found.append(("UpdateSsnFromLadok", 'may only be true when UseAsLoginId = "ssn"'))
        if self.use_admitted:
            for attr in ("role_id_registered", "role_id_admitted"):
                if getattr(self, attr) is None:
                    found.append((seed_name(attr), "is required when UseAdmitted = true"))
        if self.role_id_registered is not None and self.role_id_registered == self.role_id_admitted:
            # Canvas keeps one enrollment per (user, type, role, section): equal roles would merge the two kinds.
            found.append(("RoleIdAdmitted", "must differ from RoleIdRegistered"))
        unknown = [i for i in self.education_type_ignore_list if i not in EDUCATION_TYPES]
        if unknown:
            found.append(("EducationTypeIgnoreList", f"unknown education type id(s) {unknown}; see the seed's list"))
        return found


def seed_name(attr: str) -> str:
    """The seed's CamelCase name of a settings attribute, e.g. use_as_login_id → UseAsLoginId."""
    return "".join(part.capitalize() for part in attr.split("_"))


def attr_name(seed_key: str) -> str:
    """The settings attribute for a seed key, e.g. UseAsLoginId → use_as_login_id."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", seed_key).lower()


SEED_KEYS: tuple[str, ...] = tuple(seed_name(f.name) for f in fields(InstitutionSettings))
