"""Why an LTI login or launch is refused: a message key the pages translate, an HTTP status, a detail for the log.

PyLTI1p3's exceptions carry English sentences meant for developers; the tool shows its own Swedish or English
text instead (app/web/i18n.py, the keys below) and logs the detail. A detail never holds a token, a state or a
nonce.
"""

from __future__ import annotations

# A login initiation that names no platform we know, or lacks what OIDC requires.
LOGIN_UNKNOWN_PLATFORM = "lti_login_unknown_platform"
LOGIN_INCOMPLETE = "lti_login_incomplete"
# A launch that cannot be read, or is not the kind the tool handles.
TOKEN_MALFORMED = "lti_token_malformed"  # noqa: S105 (a message key, not a secret)
MESSAGE_TYPE = "lti_message_type"
MESSAGE_INVALID = "lti_message_invalid"
# A launch that could not be authenticated.
UNKNOWN_PLATFORM = "lti_unknown_platform"
KEY_SET = "lti_key_set"
UNKNOWN_KEY = "lti_unknown_key"
SIGNATURE = "lti_signature"
EXPIRED = "lti_expired"
NOT_YET_VALID = "lti_not_yet_valid"
AUDIENCE = "lti_audience"
DEPLOYMENT = "lti_deployment"
STATE = "lti_state"
NONCE = "lti_nonce"
TARGET = "lti_target"

BAD_REQUEST = 400
UNAUTHORIZED = 401


class Refusal(Exception):
    """A refused login or launch: `key` names the user's message, `detail` says what was wrong (for the log)."""

    def __init__(self, key: str, detail: str, status: int = UNAUTHORIZED) -> None:
        super().__init__(f"{key}: {detail}")
        self.key = key
        self.detail = detail
        self.status = status


def malformed(detail: str) -> Refusal:
    """A launch whose id_token or parameters are not what LTI 1.3 prescribes (a 400)."""
    return Refusal(TOKEN_MALFORMED, detail, BAD_REQUEST)
