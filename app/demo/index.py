"""The demo's one address: an index linking the Canvas view, the Ladok desk and the tool's launches."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, render_template

from app.sandbox.pages import pages_app

if TYPE_CHECKING:
    from app.demo.system import Demo

# Who the sandbox platform launches as, in a course (the admin launches from the account).
COURSE_PERSONAS = (("teacher", "teacher"), ("ta", "TA"), ("student", "student"))


@dataclass(frozen=True, slots=True)
class CourseLinks:
    """One Canvas course, where to watch it and how to launch the tool in it."""

    name: str
    code: str
    canvas_page: str
    launches: tuple[tuple[str, str], ...]  # (who, address)


def index_pages(demo: Demo, nav: Mapping[str, str]) -> Flask:
    """The index page's WSGI app; its course list follows Canvas as offerings are added."""
    app = pages_app(__name__, title="Kursadministration demo", theme="demo", nav=nav)

    @app.get("/")
    def index() -> str:
        courses = [
            CourseLinks(
                c.name,
                c.course_code,
                f"{demo.canvas_url}/courses/{c.id}",
                tuple((label, demo.launch_url(persona, c.id)) for persona, label in COURSE_PERSONAS),
            )
            for c in demo.courses()
        ]
        return render_template(
            "demo_index.html",
            live=True,
            courses=courses,
            canvas=f"{demo.canvas_url}/",
            ladok=f"{demo.ladok_url}/gui/",
            admin=demo.launch_url("admin"),
        )

    return app
