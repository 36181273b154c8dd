"""GeoReport v2's two formats: JSON (a list at the top) and XML (a root element
holding one element per item; lists inside an item become a plural element
holding singular ones: attributes/attribute, values/value)."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
SINGULAR = {"attributes": "attribute", "values": "value"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, item: dict) -> None:
    for key, value in item.items():
        child = ET.SubElement(element, key)
        if isinstance(value, list):
            for entry in value:
                _fill(ET.SubElement(child, SINGULAR.get(key, "item")), entry)
        else:
            child.text = _text(value)


def respond(fmt: str, root: str, item: str, rows: list[dict], status: int = 200) -> HttpResponse:
    if fmt == "xml":
        top = ET.Element(root)
        for row in rows:
            _fill(ET.SubElement(top, item), row)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
            top, encoding="unicode"
        ).encode("utf-8")
    else:
        body = json.dumps(rows, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def respond_one(fmt: str, root: str, item: dict, status: int = 200) -> HttpResponse:
    """One object, not a list: JSON an object, XML the root element itself."""
    if fmt == "xml":
        top = ET.Element(root)
        _fill(top, item)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
            top, encoding="unicode"
        ).encode("utf-8")
    else:
        body = json.dumps(item, ensure_ascii=False).encode("utf-8")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(fmt, "errors", "error", [{"code": status, "description": description}], status)
