"""Canvas's error responses, raised as exceptions from handlers and rendered by the dispatcher."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An HTTP error with Canvas's exact status and JSON body."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


def not_found() -> ApiError:
    """ActiveRecord::RecordNotFound as the API renders it (ApplicationController#rescue_action_in_api)."""
    return ApiError(404, {"errors": [{"message": "The specified resource does not exist."}]})


def invalid_token() -> ApiError:
    """A token Canvas does not know (AuthenticationMethods: AccessTokenError)."""
    return ApiError(
        401, {"errors": [{"message": "Invalid access token."}]}, {"WWW-Authenticate": 'Bearer realm="canvas-lms"'}
    )


def missing_token() -> ApiError:
    """An API call without credentials (ApplicationController#render_unauthorized_action for API)."""
    return ApiError(401, {"status": "unauthenticated", "errors": [{"message": "user authorization required"}]})


def internal_error() -> ApiError:
    """An unhandled server exception as Canvas's API renders it."""
    return ApiError(500, {"errors": [{"message": "An error occurred."}]})


def model_errors(attribute: str, message: str, error_type: str | None = None) -> dict[str, Any]:
    """`record.errors.as_json[:errors]` for one error: a symbol type, or the message itself when added as text."""
    return {attribute: [{"attribute": attribute, "type": error_type or message, "message": message}]}


def record_invalid(attribute: str, message: str, error_type: str | None = None) -> ApiError:
    """`render json: record.errors, status: :bad_request` (courses, sections, terms, accounts)."""
    return ApiError(400, {"errors": model_errors(attribute, message, error_type)})


def sis_id_taken(attribute: str, sis_id: str) -> ApiError:
    """The "SIS ID is already in use" validation of courses, sections, terms and accounts (added as text)."""
    return record_invalid(attribute, f'SIS ID "{sis_id}" is already in use')


def bad_request_message(message: str) -> ApiError:
    """A plain `{"message": ...}` 400 as several controllers render."""
    return ApiError(400, {"message": message})
