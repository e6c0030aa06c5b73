"""Fixtures for the Ladok reader tests: the official XSDs as one lxml schema, and page building."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

SERVICES = ("studiedeltagande", "studentinformation", "utbildningsinformation", "resultat", "kataloginformation")
_SCHEMAS: dict[Path, etree.XMLSchema] = {}


@pytest.fixture
def event_schema(ladok_dir: Path) -> etree.XMLSchema:
    """One schema importing the five event XSDs of Ladok 1.60.1 (imports resolve as relative file paths)."""
    xsd_dir = ladok_dir / "xsd"
    if xsd_dir not in _SCHEMAS:
        imports = "".join(
            f'<xs:import namespace="http://schemas.ladok.se/{service}" '
            f'schemaLocation="{(xsd_dir / f"schemas.ladok.se-{service}-events.xsd").as_uri()}"/>'
            for service in SERVICES
        )
        wrapper = (
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:kursadmin:test">'
            f"{imports}</xs:schema>"
        )
        _SCHEMAS[xsd_dir] = etree.XMLSchema(etree.fromstring(wrapper.encode(), base_url=xsd_dir.as_uri() + "/"))
    return _SCHEMAS[xsd_dir]
