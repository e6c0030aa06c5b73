"""Flask-WTF forms of the teacher and admin views; none carries a course or institution id: the course is
always the launch's, the institution the launch's or one the SSO identity administers."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, IntegerField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class EarlyAccessForm(FlaskForm):
    """Early access on/off and its purge date."""

    enabled = BooleanField()
    purge_date = DateField(validators=[Optional()])


class OfferingForm(FlaskForm):
    """Link or unlink one offering (by uid)."""

    offering_uid = HiddenField(validators=[DataRequired(), Length(max=64)])


class AdminActionForm(FlaskForm):
    """An operator action that needs nothing but the CSRF token."""


class DiscardForm(FlaskForm):
    """Discarding held removals cannot be undone, so it must be confirmed."""

    confirm = BooleanField(validators=[InputRequired()])


class RequestDecisionForm(FlaskForm):
    """Approve or reject one co-reading request (by id, within the admin's institution)."""

    request_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
