"""What counts as personal data in error text, and the text with it taken out.

Errors are stored (a job's last error, the action log), shown to admins and logged, so they must not
carry what identifies a person: a personnummer (or samordningsnummer) in any of its written forms, an
e-mail address, or the value of a request parameter that names someone — a Canvas login search
(`search_term`), a login id (`login_id`, `unique_id`, `sis_login_id:` in a path) or a name. Ladok's
UIDs and Canvas's ids are pseudonymous handles operators need to act on, and are kept.
"""

from __future__ import annotations

import re

REDACTED = "[redacted]"

# 12 digits (YYYYMMDDNNNN) or 10 (YYMMDDNNNN), with or without "-" / "+" (over 100 years old) before the
# last four. A samordningsnummer is the same with 60 added to the day. Digits that are part of a longer
# token (a UUID's group, a 14-digit Canvas global id, a timestamp) are left alone.
_PERSONNUMMER = re.compile(
    r"(?<![\w-])"
    r"(?:(?:18|19|20)\d{2}|\d{2})"  # year, with or without the century
    r"(?:0[1-9]|1[0-2])"  # month
    r"(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"  # day, or day + 60
    r"[-+]?\d{4}"
    r"(?![\w-])"
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Request parameters whose value names a person, also as httpx writes them in a URL ("[" → %5B).
_PERSON_KEYS = (
    r"search_term|login_id|sis_login_id|unique_id|name|short_name|sortable_name|first_name|last_name|"
    r"email|address|personnummer"
)
_PARAM = re.compile(
    rf"(?<!\w)(?P<key>(?:\w+(?:\[|%5B))?(?:{_PERSON_KEYS})(?:\]|%5D)?)(?P<sep>=|%3D)(?P<value>[^&\s\"'<>]*)",
    re.IGNORECASE,
)
# The same in a JSON body Canvas or Ladok echoed: "login_id": "value".
_JSON_FIELD = re.compile(rf'(?P<key>"(?:{_PERSON_KEYS})"\s*:\s*)"(?P<value>(?:[^"\\]|\\.)*)"', re.IGNORECASE)

# Canvas's SIS reference by login in a path: /api/v1/users/sis_login_id:VALUE.
_SIS_LOGIN_REF = re.compile(r"(?P<key>sis_login_id(?::|%3A))(?P<value>[^/?&#\s\"'<>]+)", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with every personnummer, e-mail address and person-naming parameter value replaced."""
    text = _PARAM.sub(lambda m: f"{m['key']}{m['sep']}{REDACTED}" if m["value"] else m[0], text)
    text = _JSON_FIELD.sub(lambda m: f'{m["key"]}"{REDACTED}"', text)
    text = _SIS_LOGIN_REF.sub(lambda m: f"{m['key']}{REDACTED}", text)
    text = _EMAIL.sub(REDACTED, text)
    return _PERSONNUMMER.sub(REDACTED, text)
