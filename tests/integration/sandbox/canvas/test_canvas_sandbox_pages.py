"""The sandbox Canvas's pages for people: courses, sections, people with role and state; the API unchanged."""

from __future__ import annotations

import re

import httpx

from app.sandbox.canvas import CanvasSandbox


def _rows(html: str) -> list[list[str]]:
    """The table rows of a page as lists of cell texts (tags stripped, whitespace collapsed)."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        ]
        for row in rows
    ]


def test_a_course_page_lists_its_sections_and_people_with_role_and_state(sandbox: CanvasSandbox) -> None:
    admitted = sandbox.create_role("Antagen")
    course = sandbox.create_course("Programmeringsteknik HT2026", "offering-1", course_code="DD1310 50101")
    section = sandbox.create_section(course, "DD1310:50101:HT2026", "offering-1")
    ada = sandbox.create_user("Ada Lovelace", "ada", "uid-ada")
    bo = sandbox.create_user("Bo Ek", "bo", "uid-bo")
    sandbox.enroll(ada, course, section_id=section)
    sandbox.set_enrollment_state(sandbox.enroll(bo, course, role_id=admitted, section_id=section), "inactive")
    gone = sandbox.create_user("Gone Away", "gone", "uid-gone")
    sandbox.set_enrollment_state(sandbox.enroll(gone, course, section_id=section), "deleted")

    with sandbox.serve() as running:
        listing = httpx.get(f"{running.url}/")
        page = httpx.get(f"{running.url}/courses/{course}")
        missing = httpx.get(f"{running.url}/courses/999")

    assert listing.status_code == 200
    assert [
        "Programmeringsteknik HT2026",
        "DD1310 50101",
        "offering-1",
        "Default Term",
        "Unpublished",
        "1 active, 1 inactive",
    ] in _rows(listing.text)
    assert page.status_code == 200 and "<h1>Programmeringsteknik HT2026</h1>" in page.text
    rows = _rows(page.text)
    assert ["DD1310:50101:HT2026", "offering-1", "2"] in rows
    people = [row for row in rows if row[-1].startswith("uid-")]
    assert people == [
        ["Bo Ek", "Antagen", "Inactive", "DD1310:50101:HT2026", "uid-bo"],
        ["Ada Lovelace", "Student", "Active", "DD1310:50101:HT2026", "uid-ada"],
    ]
    assert missing.status_code == 404 and "no such page or course" in missing.text
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_the_api_beside_the_pages_still_answers_as_canvas(sandbox: CanvasSandbox) -> None:
    with sandbox.serve() as running:
        anonymous = httpx.get(f"{running.url}/api/v1/courses/1")
        unknown_route = httpx.get(f"{running.url}/api/v1/no/such/route", headers={"Authorization": "Bearer test-token"})

    assert anonymous.status_code == 401 and anonymous.json()["status"] == "unauthenticated"
    assert unknown_route.status_code == 404
    assert unknown_route.json() == {"errors": [{"message": "The specified resource does not exist."}]}
