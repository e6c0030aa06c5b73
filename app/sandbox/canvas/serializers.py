"""Canvas's JSON shapes for each record, following lib/api/v1/*.rb as an admin with SIS rights sees them."""

from __future__ import annotations

from typing import Any

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
)

# Courses show Canvas's API names for workflow states (Api::V1::Course#course_json).
COURSE_STATE_NAMES = {
    "created": "unpublished",
    "claimed": "unpublished",
    "available": "available",
    "completed": "completed",
    "deleted": "deleted",
}


def account_json(account: Account) -> dict[str, Any]:
    """Api::V1::Account#account_json."""
    return {
        "id": account.id,
        "name": account.name,
        "uuid": account.uuid,
        "parent_account_id": account.parent_account_id,
        "root_account_id": account.root_account_id,
        "workflow_state": account.workflow_state,
        "default_time_zone": "Europe/Stockholm",
        "sis_account_id": account.sis_account_id,
        "integration_id": None,
        "sis_import_id": None,
    }


def term_json(term: Term) -> dict[str, Any]:
    """Api::V1::EnrollmentTerm#enrollment_term_json."""
    return {
        "id": term.id,
        "name": term.name,
        "start_at": term.start_at,
        "end_at": term.end_at,
        "created_at": term.created_at,
        "workflow_state": term.workflow_state,
        "grading_period_group_id": None,
        "sis_term_id": term.sis_term_id,
        "sis_import_id": None,
    }


def user_json(state: CanvasState, user: User, include_email: bool = False) -> dict[str, Any]:
    """Api::V1::User#user_json with the SIS fields an admin sees (sis_user_id, login_id)."""
    logins = state.active_pseudonyms(user.id)
    sis_login = state.sis_pseudonym(user.id)
    shown = sis_login or (logins[0] if logins else None)
    data: dict[str, Any] = {
        "id": user.id,
        "name": user.name,
        "created_at": user.created_at,
        "sortable_name": user.sortable_name,
        "short_name": user.short_name,
        "sis_user_id": sis_login.sis_user_id if sis_login else None,
        "integration_id": None,
        "sis_import_id": None,
        "login_id": shown.unique_id if shown else None,
    }
    if include_email:
        data["email"] = user.email
    return data


def login_json(login: Pseudonym) -> dict[str, Any]:
    """Api::V1::Pseudonym#pseudonym_json."""
    return {
        "id": login.id,
        "user_id": login.user_id,
        "account_id": login.account_id,
        "unique_id": login.unique_id,
        "sis_user_id": login.sis_user_id,
        "integration_id": None,
        "authentication_provider_id": None,
        "created_at": login.created_at,
        "workflow_state": login.workflow_state,
        "declared_user_type": None,
    }


def course_json(course: Course) -> dict[str, Any]:
    """Api::V1::Course#course_json (the attributes CoursesController#create asks for)."""
    return {
        "id": course.id,
        "name": course.name,
        "account_id": course.account_id,
        "uuid": course.uuid,
        "start_at": course.start_at,
        "end_at": course.end_at,
        "created_at": course.created_at,
        "course_code": course.course_code,
        "default_view": "modules",
        "root_account_id": course.root_account_id,
        "enrollment_term_id": course.enrollment_term_id,
        "is_public": False,
        "restrict_enrollments_to_course_dates": course.restrict_enrollments_to_course_dates,
        "workflow_state": COURSE_STATE_NAMES[course.workflow_state],
        "sis_course_id": course.sis_course_id,
        "integration_id": None,
        "sis_import_id": None,
    }


def section_json(state: CanvasState, section: Section) -> dict[str, Any]:
    """Api::V1::Section#section_json."""
    course = state.courses[section.course_id]
    return {
        "id": section.id,
        "course_id": section.course_id,
        "name": section.name,
        "start_at": section.start_at,
        "end_at": section.end_at,
        "created_at": section.created_at,
        "restrict_enrollments_to_section_dates": False,
        "nonxlist_course_id": section.nonxlist_course_id,
        "sis_section_id": section.sis_section_id,
        "sis_course_id": course.sis_course_id,
        "integration_id": None,
        "sis_import_id": None,
    }


def enrollment_json(state: CanvasState, enrollment: Enrollment) -> dict[str, Any]:
    """Api::V1::Enrollment#enrollment_json with the embedded user (includes: [:user])."""
    course = state.courses[enrollment.course_id]
    section = state.sections[enrollment.course_section_id]
    account = state.accounts[course.account_id]
    role = state.roles[enrollment.role_id]
    user = state.users[enrollment.user_id]
    sis_login = state.sis_pseudonym(user.id)
    return {
        "id": enrollment.id,
        "user_id": enrollment.user_id,
        "course_id": enrollment.course_id,
        "type": enrollment.type,
        "created_at": enrollment.created_at,
        "updated_at": enrollment.updated_at,
        "associated_user_id": enrollment.associated_user_id,
        "start_at": enrollment.start_at,
        "end_at": enrollment.end_at,
        "course_section_id": enrollment.course_section_id,
        "root_account_id": enrollment.root_account_id,
        "limit_privileges_to_course_section": enrollment.limit_privileges_to_course_section,
        "enrollment_state": enrollment.workflow_state,
        "role": role.role,
        "role_id": role.id,
        "last_activity_at": None,
        "last_attended_at": None,
        "total_activity_time": 0,
        "sis_account_id": account.sis_account_id,
        "sis_course_id": course.sis_course_id,
        "course_integration_id": None,
        "sis_section_id": section.sis_section_id,
        "section_integration_id": None,
        "sis_user_id": sis_login.sis_user_id if sis_login else None,
        "html_url": f"/courses/{course.id}/users/{user.id}",
        "user": user_json(state, user),
    }


def role_json(state: CanvasState, role: Role) -> dict[str, Any]:
    """Api::V1::Role#role_json (without the permissions map)."""
    return {
        "id": role.id,
        "role": role.role,
        "label": role.label,
        "base_role_type": role.base_role_type,
        "workflow_state": role.workflow_state,
        "created_at": role.created_at,
        "is_account_role": not role.is_course_role,
        "account": account_json(state.accounts[role.account_id]),
    }


def conversation_json(state: CanvasState, conversation: Conversation, viewer_id: int) -> dict[str, Any]:
    """Api::V1::Conversation#conversation_json as the sender sees it."""
    last = conversation.messages[-1]
    audience = [uid for uid in conversation.participant_ids if uid != viewer_id]
    return {
        "id": conversation.id,
        "subject": conversation.subject,
        "workflow_state": "read",
        "last_message": last.body,
        "last_message_at": last.created_at,
        "last_authored_message": last.body,
        "last_authored_message_at": last.created_at,
        "message_count": len(conversation.messages),
        "subscribed": True,
        "private": conversation.private,
        "starred": False,
        "properties": ["last_author"],
        "audience": audience,
        "audience_contexts": {"courses": {}, "groups": {}},
        "avatar_url": None,
        "participants": [
            {"id": uid, "name": state.users[uid].name, "full_name": state.users[uid].name}
            for uid in conversation.participant_ids
        ],
        "visible": True,
        "context_name": None,
    }
