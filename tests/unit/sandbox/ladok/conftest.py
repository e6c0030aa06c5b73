"""Fixtures for the sandbox Ladok tests: Ladok's official event XSDs as one lxml schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

SERVICES = ("studiedeltagande", "studentinformation", "utbildningsinformation", "resultat", "kataloginformation")


@pytest.fixture
def ladok_event_schema(ladok_dir: Path) -> etree.XMLSchema:
    """One schema importing the five event XSDs of Ladok 1.60.1."""
    xsd_dir = ladok_dir / "xsd"
    imports = "".join(
        f'<xs:import namespace="http://schemas.ladok.se/{service}" '
        f'schemaLocation="{(xsd_dir / f"schemas.ladok.se-{service}-events.xsd").as_uri()}"/>'
        for service in SERVICES
    )
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t">{imports}</xs:schema>'
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))
