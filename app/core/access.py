"""Who may do what (docs/rules.md §4.7, §7): from what Canvas or the SSO says about a person to their rights."""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

LinkOutcome = Literal["link", "request", "ask_again"]


@dataclass(frozen=True, slots=True)
class CanvasPerson:
    """A person as one LTI launch describes them.

    `teaches_course`: a teacher (membership#Instructor, not only the TA sub-role) of the launch's course;
    `root_admin`: Canvas's `$Canvas.user.isRootAccountAdmin`. Canvas's institution Administrator role is
    deliberately absent: Canvas sends it to every sub-account admin too.
    """

    canvas_user_id: str | None
    teaches_course: bool
    root_admin: bool


def is_institution_admin(person: CanvasPerson, admin_user_ids: Collection[str]) -> bool:
    """A root-account admin, or a Canvas user the configuration names as an admin of the institution.

    Only they open the admin view (an account-navigation launch) and link offerings without consent.
    """
    return person.root_admin or (person.canvas_user_id is not None and person.canvas_user_id in admin_user_ids)


def may_change_course(person: CanvasPerson, admin_user_ids: Collection[str]) -> bool:
    """A course's teacher, or an institution admin, may change its early access and co-reading."""
    return person.teaches_course or is_institution_admin(person, admin_user_ids)


def link_outcome(institution_admin: bool, teaches_offering_course: bool | None) -> LinkOutcome:
    """What a link of an offering into someone's course becomes (docs/rules.md §4.7, consent).

    An institution admin links at once. Anyone else links only as an active teacher of the offering's own
    Canvas course; otherwise the link is a request for an admin. When Canvas could not be asked
    (`teaches_offering_course` is None) nothing is decided: the person is told to try again, since
    recording a request would trouble an admin with a link the teacher may well be entitled to make.
    """
    if institution_admin or teaches_offering_course is True:
        return "link"
    if teaches_offering_course is None:
        return "ask_again"
    return "request"


def peer_is_trusted(peer: str | None, trusted_proxies: Collection[str]) -> bool:
    """Whether the socket peer is one of the configured SSO proxies (addresses or networks)."""
    if not peer:
        return False
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    # A dual-stack socket reports an IPv4 proxy as ::ffff:a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in ipaddress.ip_network(proxy, strict=False) for proxy in trusted_proxies)


def sso_admin_of(identity: str, admins: Mapping[str, Collection[str]]) -> tuple[str, ...]:
    """The institutions an SSO identity administers (identities compare without regard to case)."""
    wanted = identity.strip().lower()
    found: set[str] = set()
    for name, institutions in admins.items():
        if name.strip().lower() == wanted:
            found.update(institutions)
    return tuple(sorted(found))
