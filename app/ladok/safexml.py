"""Hardened XML parsing for everything Ladok sends: no DTDs, no entities, no network, bounded text."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET

_ENTITY = re.compile(r"&[\w.:-]{1,100};")
MAX_TEXT_CHARS = 64 * 1024
"""Longest text node (or attribute value) accepted inside one entry; Ladok's largest real values are a few KB."""


class UnsafeXML(ValueError):
    """XML that was refused: not well-formed, or using a DTD, entities or external references."""


def parse_xml(data: bytes | str) -> Element:
    """Parse one XML document with DTDs, entity declarations and external references all refused."""
    try:
        return DefusedET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DTDForbidden as exc:
        raise UnsafeXML("declares a DTD (refused)") from exc
    except defusedxml.EntitiesForbidden as exc:
        raise UnsafeXML(f"declares entity {exc.name!r} (refused)") from exc
    except defusedxml.ExternalReferenceForbidden as exc:
        raise UnsafeXML(f"references external resource {exc.sysid!r} (refused)") from exc
    except ParseError as exc:
        raise UnsafeXML(f"is not well-formed XML: {exc}{_entity_named(data, exc)}") from exc


def _entity_named(data: bytes | str, error: ParseError) -> str:
    """' (&name;)' for an undefined-entity error, so the reason names the entity that was refused."""
    if "undefined entity" not in str(error):
        return ""
    line, column = error.position
    lines = (data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data).splitlines()
    found = _ENTITY.match(lines[line - 1], column) if 0 < line <= len(lines) else None
    return f" ({found.group(0)})" if found else ""


def local_name(tag: str) -> str:
    """The local part of an ElementTree tag, e.g. '{ns}Status' → 'Status'."""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    """The namespace URI of an ElementTree tag ('' when it has none)."""
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def oversized_node(element: Element, limit: int = MAX_TEXT_CHARS) -> str | None:
    """Name the first element whose text, tail or attribute exceeds `limit` characters, if any."""
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        name = local_name(node.tag)
        if len(node.text or "") > limit:
            return f"text of <{name}> is {len(node.text or '')} characters (limit {limit})"
        if len(node.tail or "") > limit:
            return f"text after <{name}> is {len(node.tail or '')} characters (limit {limit})"
        for attr, value in node.attrib.items():
            if len(value) > limit:
                return f"attribute {local_name(attr)} of <{name}> is {len(value)} characters (limit {limit})"
    return None
