"""The import's writes from the pages: upload (the file kept, its headers read),
start (the mapping saved for the source, the task queued in the same
transaction), resume. The run itself is run.py."""

from __future__ import annotations

import os

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import tasks as core_tasks
from xinfang.core.exceptions import InvalidInput, NotFound

from ..models.ledger import ImportState, LedgerImport, LedgerKind, LedgerMapping
from . import reading
from .fields import fields_of
from .permissions import may_import
from .tasks import run_ledger_import

MAX_SOURCE = 60


def _check(actor) -> None:
    if not may_import(actor):
        raise NotFound()


@transaction.atomic
def ledger_upload(*, actor, file, kind: str, source: str) -> LedgerImport:
    """Keep an uploaded ledger and read its header row. Nothing is imported yet:
    the administrator maps the columns first (ledger_start)."""
    _check(actor)
    errors: dict[str, list] = {}
    source = " ".join((source or "").split())[:MAX_SOURCE]
    if not source:
        errors["source"] = [_("Name the source of the ledger (e.g. the office and the years).")]
    if kind not in LedgerKind.values:
        errors["kind"] = [_("Choose what the ledger lists.")]
    if file is None:
        errors["file"] = [_("Choose the ledger file.")]
    if errors:
        raise InvalidInput(field_errors=errors)
    file.seek(0)
    file_format = reading.detect_format(file.name, file.read(8192))
    file.seek(0)
    name = os.path.basename(file.name)[:200]
    imp = LedgerImport(
        source=source,
        kind=kind,
        file_name=name,
        file_format=file_format,
        created_by=actor,
    )
    imp.file.save(f"ledger.{file_format}", file, save=False)
    try:
        with reading.open_ledger(imp.file.path, file_format) as ledger:
            imp.headers = ledger.headers
            imp.encoding = ledger.encoding
    except InvalidInput:
        imp.file.delete(save=False)
        raise
    saved = LedgerMapping.objects.filter(source=source, kind=kind).first()
    imp.mapping = saved
    imp.save()
    return imp


def import_get(*, actor, import_id: int) -> LedgerImport:
    _check(actor)
    imp = LedgerImport.objects.filter(pk=import_id).select_related("created_by").first()
    if imp is None:
        raise NotFound()
    return imp


@transaction.atomic
def ledger_start(*, actor, import_id: int, columns: dict[str, str]) -> LedgerImport:
    """Save the column mapping for the source (and kind) and queue the run."""
    _check(actor)
    imp = LedgerImport.objects.select_for_update().filter(pk=import_id).first()
    if imp is None:
        raise NotFound()
    if imp.state != ImportState.UPLOADED:
        raise InvalidInput(_("This import has already been started."))
    columns = {f: h for f, h in (columns or {}).items() if h}
    errors: dict[str, list] = {}
    known = {f.name for f in fields_of(imp.kind)}
    for f, h in columns.items():
        if f not in known or h not in imp.headers:
            errors[f] = [_("Choose a column of the file.")]
    for f in fields_of(imp.kind):
        if f.required and f.name not in columns:
            errors[f.name] = [_("Choose the column that holds this.")]
    if "place" not in columns and "responsible_unit" not in columns:
        errors["place"] = [_("Choose the column of the place or of the responsible unit.")]
    taken: dict[str, str] = {}
    for f, h in columns.items():
        if h in taken:
            errors[f] = [_("This column is already chosen for another field.")]
        taken[h] = f
    if errors:
        raise InvalidInput(field_errors=errors)
    mapping, _created = LedgerMapping.objects.update_or_create(
        source=imp.source, kind=imp.kind, defaults={"columns": columns}
    )
    imp.mapping = mapping
    imp.columns = columns
    imp.state = ImportState.QUEUED
    imp.save(update_fields=["mapping", "columns", "state"])
    _enqueue(imp)
    return imp


@transaction.atomic
def ledger_resume(*, actor, import_id: int) -> LedgerImport:
    """Run a failed import again from where it stopped."""
    _check(actor)
    imp = LedgerImport.objects.select_for_update().filter(pk=import_id).first()
    if imp is None:
        raise NotFound()
    if imp.state != ImportState.FAILED or not imp.file:
        raise InvalidInput(_("Only a failed import whose file is kept can be resumed."))
    imp.state = ImportState.QUEUED
    imp.error = ""
    imp.save(update_fields=["state", "error"])
    _enqueue(imp)
    return imp


def _enqueue(imp: LedgerImport) -> None:
    core_tasks.enqueue(run_ledger_import, imp.pk)
