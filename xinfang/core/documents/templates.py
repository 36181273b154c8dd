"""Kinds of document and their admin-editable templates (NoticeTemplate): validation and rendering."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .. import law
from .layout import Section, render_pdf  # noqa: F401

# --- kinds of document and their editable templates -------------------------------------


@dataclass(frozen=True)
class DocumentKind:
    """A kind of document whose wording lives in a NoticeTemplate row.

    `placeholders` maps each variable the template may use to what it holds;
    `sample` returns the keyword arguments of render_template_pdf (without the
    template's own text) for the administrator's preview."""

    code: str
    label: object
    placeholders: dict
    sample: object = None


DOCUMENT_KINDS: dict[str, DocumentKind] = {}


def register_document_kind(code: str, label, *, placeholders: dict, sample=None) -> DocumentKind:
    """Make `code` a kind a NoticeTemplate may have (called from an app's ready())."""
    kind = DocumentKind(code, label, dict(placeholders), sample)
    DOCUMENT_KINDS[code] = kind
    return kind


def validate_document_kind(value: str) -> None:
    from django.core.exceptions import ValidationError

    if value not in DOCUMENT_KINDS:
        raise ValidationError(
            _("Unknown kind of document: %(kind)s. Known kinds: %(kinds)s.")
            % {"kind": value, "kinds": ", ".join(sorted(DOCUMENT_KINDS)) or "-"},
            code="unknown_kind",
        )


@functools.cache
def _engine():
    from django.template import Engine

    # No loaders and no libraries: an administrator's text can use the built-in
    # tags and filters on the context given, and reach nothing else. The output is
    # PDF text, not HTML, so nothing is escaped.
    return Engine(debug=False, autoescape=False, loaders=[], libraries={})


_KEYWORDS = {"and", "or", "not", "in", "is", "None", "True", "False", "forloop", "empty"}


def _names_used(source: str) -> set[str]:
    """Root names of the variables a template reads (approximate, for a clear error
    about a mistyped placeholder; the template engine itself never fails on one)."""
    import re

    names = set(re.findall(r"\{\{\s*([A-Za-z_]\w*)", source))
    local: set[str] = set()
    for tag in re.findall(r"\{%\s*(.*?)\s*%\}", source, flags=re.S):
        word, _sep, rest = tag.partition(" ")
        rest = re.sub(r"\"[^\"]*\"|'[^']*'|\|\w+(:\S+)?", " ", rest)
        if word in ("if", "elif"):
            names |= set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)", rest))
        elif word == "for":
            loop_vars, _in, iterable = rest.partition(" in ")
            local |= set(re.findall(r"[A-Za-z_]\w*", loop_vars))
            names |= set(re.findall(r"(?<![\w.])([A-Za-z_]\w*)", iterable))
        elif word == "with":
            local |= set(re.findall(r"([A-Za-z_]\w*)=", rest))
    return names - local - _KEYWORDS


def template_errors(kind: str, **texts: str) -> dict[str, list[str]]:
    """Errors of the template texts given as field=text (title, body, basis), per
    field: syntax errors, and placeholders that the kind does not have. Empty when
    all is well."""
    from django.template import TemplateSyntaxError

    errors: dict[str, list[str]] = {}
    spec = DOCUMENT_KINDS.get(kind)
    for name, source in texts.items():
        try:
            _engine().from_string(source or "")
        except TemplateSyntaxError as exc:
            errors.setdefault(name, []).append(
                _("The template is not valid: %(error)s") % {"error": str(exc)}
            )
            continue
        if spec is not None and spec.sample is not None:
            try:
                render_text(source or "", spec.sample()["context"])
            except Exception as exc:  # e.g. {% include %}: there is nothing to include
                errors.setdefault(name, []).append(
                    _("The template cannot be rendered: %(error)s") % {"error": str(exc)}
                )
                continue
        if spec is not None:
            unknown = sorted(_names_used(source or "") - set(spec.placeholders))
            if unknown:
                errors.setdefault(name, []).append(
                    _("Unknown placeholder: %(names)s. This kind has: %(known)s.")
                    % {
                        "names": ", ".join(unknown),
                        "known": ", ".join(sorted(spec.placeholders)),
                    }
                )
        unknown_bases = sorted(set(re.findall(r"\blaw\.(\w+)", source or "")) - set(law.BASES))
        if unknown_bases:
            errors.setdefault(name, []).append(
                _("Unknown legal basis: %(names)s. The law table has: %(known)s.")
                % {"names": ", ".join(unknown_bases), "known": ", ".join(sorted(law.BASES))}
            )
    return errors


def render_text(source: str, context: dict) -> str:
    """A template text rendered with `context` (plain text, nothing escaped)."""
    from django.template import Context

    return _engine().from_string(source or "").render(Context(context, autoescape=False)).strip()


def render_template_pdf(
    *,
    title: str,
    body: str,
    basis: str = "",
    context: dict,
    issuer: str,
    number: str = "",
    recipient: str = "",
    issued_on: dt.date,
    fields: list[tuple[str, str]] | tuple = (),
    signatures: list[str] | tuple = (),
    footer: str = "",
    seal: bool = True,
    watermark: str = "",
) -> bytes:
    """A document from an editable template: title, body (one paragraph a line) and
    basis are rendered with `context`, then laid out by render_pdf (`watermark`: a
    draft's mark across every page)."""
    paragraphs = [line.strip() for line in render_text(body, context).splitlines()]
    return render_pdf(
        title=render_text(title, context),
        issuer=issuer,
        number=number,
        recipient=recipient,
        sections=[Section(paragraphs=[p for p in paragraphs if p], fields=list(fields))],
        basis=render_text(basis, context),
        issued_on=issued_on,
        seal=seal,
        signatures=signatures,
        footer=footer,
        watermark=watermark,
    )


def pdf_response(content: bytes, *, filename: str, ascii_filename: str):
    """An HttpResponse that downloads `content` as a PDF: an ASCII file name for
    old clients and the real (Chinese) one as filename* (RFC 6266)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type="application/pdf")
    safe = ascii_filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The petitioner's own document: never kept by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response


def document_kind_choices() -> list[tuple[str, str]]:
    """(code, label) of each registered kind, in the order of their codes."""
    return [(code, kind.label) for code, kind in sorted(DOCUMENT_KINDS.items())]
