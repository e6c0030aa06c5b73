"""Pages with personal data are never kept by the browser or a proxy: every answer of the tool says no-store."""

from __future__ import annotations

from flask import Flask

from tests.integration.lti.harness import LaunchDriver, seed_course


def test_every_page_of_the_tool_forbids_storing_it(driver: LaunchDriver, tool: Flask) -> None:
    seed_course(tool.extensions["kursadmin.engine"])
    course = driver.launch_page()
    admin = driver.launch_page("admin", None, placement="account_navigation")
    answers = {
        "course page": driver.client.get(course),
        "status fragment": driver.client.get(f"{course}/status"),
        "admin view": driver.client.get(admin),
        "explain": driver.client.get(admin, query_string={"student": "s-da-2"}),
        "refusal": driver.launch("student"),
        "launch": driver.launch(),
        "error page": driver.client.get("/course/no-such-launch"),
    }

    assert {name: a.status_code for name, a in answers.items()} == {
        "course page": 200,
        "status fragment": 200,
        "admin view": 200,
        "explain": 200,
        "refusal": 403,
        "launch": 303,
        "error page": 403,
    }
    assert {name: a.headers.get("Cache-Control") for name, a in answers.items()} == dict.fromkeys(answers, "no-store")
