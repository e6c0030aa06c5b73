"""What `kursadmin demo` prints and how long it runs: one round and stop (`--once`), or until Ctrl-C."""

from __future__ import annotations

import threading
from collections import Counter

import click

from app.demo.people import persona_user_ids
from app.demo.system import Demo, start_demo


def run_demo(database_url: str, *, once: bool, port: int = 0) -> None:
    """Start the demo, apply the seeded term to Canvas, print the index address and what Canvas holds."""
    with start_demo(database_url, port=port) as demo:
        applied = demo.apply()
        click.echo(f"Kursadministration demo: open {demo.index_url}")
        click.echo(f"Recorded {applied.events} Ladok events; {applied.operations} Canvas operations.")
        for line in canvas_summary(demo):
            click.echo(f"  {line}")
        if once:
            return
        click.echo("Serving; changes made in the sandbox Ladok reach Canvas within seconds. Ctrl-C stops.")
        demo.work(threading.Event())


def canvas_summary(demo: Demo) -> list[str]:
    """One line per Canvas course the adapter made: code, id, name and its students' enrollments counted by state."""
    people = persona_user_ids(demo.platform.personas)  # the demo's teacher, TA and student are not Ladok's
    lines = []
    for course in demo.courses():
        states = Counter(
            e.workflow_state for e in demo.canvas.enrollments(course_id=course.id) if e.user_id not in people
        )
        lines.append(
            f"{course.course_code}: Canvas course {course.id} '{course.name}', "
            f"enrollments {dict(sorted(states.items()))}"
        )
    return lines
