"""The admin view reached from Canvas: an account-navigation launch by an institution admin (docs/rules.md §7)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, url_for
from werkzeug.wrappers import Response  # what redirect() returns; flask.Response is one

from app.store.lti_tables import LtiLaunchRow
from app.web.admin_page import Operator, perform, show
from app.web.current import current_launch, launch_actor, launch_is_admin

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _operator(launch_id: str) -> Operator:
    """The launch's institution, operated by the launch's person: a root-account admin or a configured one.

    Canvas's institution Administrator role alone is not enough: every sub-account admin has it.
    """
    row: LtiLaunchRow = current_launch(launch_id)
    if row.placement != "account" or not launch_is_admin(row):
        abort(403, description="refused_admin")
    by, name = launch_actor(row)

    def page_url(**query: Any) -> str:
        return url_for("admin.overview", launch_id=launch_id, **query)

    return Operator(
        row.institution_id,
        by,
        name,
        row.locale,
        page_url,
        lambda action: url_for("admin.act", launch_id=launch_id, action=action),
    )


@bp.get("/<launch_id>")
def overview(launch_id: str) -> str:
    """The launch's institution: an administrator sees and acts on only the institution whose Canvas launched."""
    return show(_operator(launch_id))


@bp.post("/<launch_id>/<action>")
def act(launch_id: str, action: str) -> Response:
    """Run one operator action on the launch's institution."""
    return perform(_operator(launch_id), action)
