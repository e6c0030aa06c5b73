"""The configuration of who administers what: Canvas user ids per institution."""

from __future__ import annotations

from app.config import parse_config

INSTITUTIONS = [{"id": "kth", "ladok_larosate_id": 29, "ladok_url": "https://ladok.example", "canvas_url": "https://c",
                 "canvas_token": "t", "canvas_admin_user_ids": [505, 1017]}]


def test_admin_ids_are_read() -> None:
    assert parse_config({"institution": INSTITUTIONS}, {}).institutions[0].canvas_admin_user_ids == (505, 1017)
