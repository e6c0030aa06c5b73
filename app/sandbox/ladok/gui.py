"""The sandbox Ladok's page for people, at /gui/ beside the feed and REST paths: the desk's actions as forms.

Every form is a POST with a CSRF token; each accepted one appends a real event to the feed the adapter
reads, exactly as an event from Ladok would arrive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response  # what redirect() returns; flask.Response is one
from wtforms import DateField, IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from app.sandbox.ladok.desk import MAX_SUSPENSION_DAYS, DeskRefusal, LadokDesk
from app.sandbox.ladok.sandbox import SandboxLadok
from app.sandbox.pages import pages_app

GUI_PREFIX = "/gui"
SWEDEN = ZoneInfo("Europe/Stockholm")


class ParticipationForm(FlaskForm):
    """Admit, register or drop out one student on one offering."""

    student = SelectField("Student", validators=[DataRequired()])
    offering = SelectField("Offering (kurstillfälle)", validators=[DataRequired()])
    action = RadioField(
        "What happens",
        validators=[DataRequired()],
        choices=[
            SelectChoice("admit", "Admit (antagning)"),
            SelectChoice("register", "Register (registrering)"),
            SelectChoice("drop_out", "Drop out (avbrott, or återbud before registering)"),
        ],
    )


class SuspensionForm(FlaskForm):
    """Suspend one student from today."""

    student = SelectField("Student", validators=[DataRequired()])
    days = IntegerField("Days", default=30, validators=[InputRequired(), NumberRange(1, MAX_SUSPENSION_DAYS)])


class OfferingForm(FlaskForm):
    """A new offering of a catalogue course."""

    course = SelectField("Course", validators=[DataRequired()])
    code = StringField("Offering code (tillfälleskod)", validators=[DataRequired(), Length(max=10)])
    term = StringField("Term", validators=[DataRequired(), Length(max=6)])
    start = DateField("First teaching day", validators=[InputRequired()])
    end = DateField("Last teaching day", validators=[InputRequired()])


class StudentForm(FlaskForm):
    """A new student."""

    first_name = StringField("First name", validators=[DataRequired(), Length(max=60)])
    last_name = StringField("Last name", validators=[DataRequired(), Length(max=60)])


def ladok_gui(
    desk: LadokDesk, nav: Mapping[str, str] | None = None, offering_defaults: Callable[[], dict[str, Any]] = dict
) -> Flask:
    """The page and its form handlers; `offering_defaults` pre-fills the new-offering form (term, dates)."""
    app = pages_app(__name__, title="Sandbox Ladok", theme="ladok", nav=nav, session_cookie="sandbox_ladok")

    def forms(**given: FlaskForm) -> dict[str, FlaskForm]:
        made = {
            "participation": given.get("participation") or ParticipationForm(prefix="p", formdata=None),
            "suspension": given.get("suspension") or SuspensionForm(prefix="s", formdata=None),
            "offering": given.get("offering") or OfferingForm(prefix="o", formdata=None, **offering_defaults()),
            "student": given.get("student") or StudentForm(prefix="n", formdata=None),
        }
        _choices(desk, made)
        return made

    def page(status: int = 200, error: str | None = None, **given: FlaskForm) -> tuple[str, int]:
        students, offerings = desk.students(), desk.offerings()
        table = [(s, [desk.status(s.uid, o.uid) for o in offerings], desk.suspended_until(s.uid)) for s in students]
        return render_template(
            "ladok_desk.html",
            error=error,
            forms=forms(**given),
            offerings=offerings,
            table=table,
            journal=[(_when(line.at), line) for line in desk.journal()],
        ), status

    def act(name: str, form: FlaskForm, action: Callable[[], str]) -> Response | tuple[str, int]:
        _choices(desk, {name: form})
        if not form.validate():
            return page(400, "The form has problems; see the fields marked below.", **{name: form})
        try:
            flash(action())
        except DeskRefusal as refusal:
            return page(400, f"Ladok refused: {refusal}", **{name: form})
        return redirect(url_for("desk"), code=303)

    @app.get(f"{GUI_PREFIX}/", endpoint="desk")
    def desk_page() -> tuple[str, int]:
        return page()

    @app.post(f"{GUI_PREFIX}/participation")
    def participation() -> Response | tuple[str, int]:
        form = ParticipationForm(prefix="p")
        actions = {"admit": desk.admit, "register": desk.register, "drop_out": desk.drop_out}
        return act("participation", form, lambda: actions[form.action.data](form.student.data, form.offering.data))

    @app.post(f"{GUI_PREFIX}/suspension")
    def suspension() -> Response | tuple[str, int]:
        form = SuspensionForm(prefix="s")
        return act("suspension", form, lambda: desk.suspend(form.student.data, form.days.data))

    @app.post(f"{GUI_PREFIX}/offering")
    def offering() -> Response | tuple[str, int]:
        form = OfferingForm(prefix="o")

        def add() -> str:
            desk.add_offering(
                form.course.data, form.code.data, form.term.data.strip().upper(), form.start.data, form.end.data
            )
            return _newest(desk)

        return act("offering", form, add)

    @app.post(f"{GUI_PREFIX}/student")
    def student() -> Response | tuple[str, int]:
        form = StudentForm(prefix="n")

        def add() -> str:
            desk.add_student(form.first_name.data, form.last_name.data)
            return _newest(desk)

        return act("student", form, add)

    return app


def with_gui(ladok: SandboxLadok, gui: Flask) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """One WSGI app: the page (and its assets) for people, the sandbox Ladok for every other path."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        for_people = path == GUI_PREFIX or path.startswith((f"{GUI_PREFIX}/", gui.static_url_path or ""))
        return (gui if for_people else ladok)(environ, start_response)

    return application


def _choices(desk: LadokDesk, made: Mapping[str, FlaskForm]) -> None:
    students = [SelectChoice(s.uid, s.name) for s in desk.students()]
    offerings = [SelectChoice(o.uid, f"{o.label} – {o.name}") for o in desk.offerings()]
    for form in made.values():
        if hasattr(form, "student"):
            form.student.choices = students
        if hasattr(form, "offering"):
            form.offering.choices = offerings
        if hasattr(form, "course"):
            form.course.choices = [SelectChoice(c.uid, f"{c.code} – {c.name}") for c in desk.courses()]


def _newest(desk: LadokDesk) -> str:
    """The event the desk appended last, in words (the adding actions return the new uid instead)."""
    line = desk.journal()[0]
    return f"{line.event}: {line.text}"


def _when(at: dt.datetime) -> str:
    return at.astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M:%S")
