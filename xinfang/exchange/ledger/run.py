"""The run of one import (the task's body): the file streamed, every BATCH rows
committed in one transaction with the matters made, their natural keys, the
rejected rows and the import's counters, so that the progress shown is what
the database holds.

A worker killed mid-run loses the batch in hand only; the task run again
(core.tasks.recover_stalled puts it back in the queue, or the administrator's
"resume") skips the rows already counted, and a row whose natural key is
recorded adds nothing, whatever import it comes from."""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import reset_queries, transaction
from django.utils import timezone, translation

from xinfang.analytics import services as analytics_services
from xinfang.core.exceptions import DomainError, InvalidInput
from xinfang.mediation import services as mediation_services
from xinfang.petitions import services as petition_services

from ..models.ledger import ImportState, LedgerImport, LedgerKind, LedgerRecord, LedgerRejection
from . import reading
from .rows import Lookups, RowReader, RowRejected

logger = logging.getLogger("xinfang.exchange.ledger")

BATCH = 500


def ledger_run(*, import_id: int) -> str:
    """The background run of one import (the task's body). Safe to run again.
    The reasons of rejected rows are written in the office's language (the
    site's default), whoever started the run."""
    with translation.override(settings.LANGUAGE_CODE):
        return _ledger_run(import_id)


def _ledger_run(import_id: int) -> str:
    with transaction.atomic():
        imp = LedgerImport.objects.select_for_update().filter(pk=import_id).first()
        if imp is None or imp.state not in (ImportState.QUEUED, ImportState.RUNNING):
            return "nothing to do"
        imp.state = ImportState.RUNNING
        imp.started_at = imp.started_at or timezone.now()
        imp.save(update_fields=["state", "started_at"])
    try:
        _run(imp)
    except Exception as exc:
        logger.exception("Ledger import %s failed", imp.pk)
        message = str(exc.message) if isinstance(exc, DomainError) else exc.__class__.__name__
        LedgerImport.objects.filter(pk=imp.pk).update(
            state=ImportState.FAILED, error=message[:1000], finished_at=timezone.now()
        )
        return "failed"
    return "done"


def _run(imp: LedgerImport) -> None:
    actor = imp.created_by
    path = imp.file.path
    if not imp.total_rows:
        total = reading.count_lines(path, imp.file_format)
        imp.total_rows = max(total - 1, 0)  # less the header row
        LedgerImport.objects.filter(pk=imp.pk).update(total_rows=imp.total_rows)
    lookups = Lookups.load(actor)
    office_cache: dict = {}
    with reading.open_ledger(path, imp.file_format, imp.encoding) as ledger:
        reader = RowReader(
            kind=imp.kind,
            source=imp.source,
            headers=ledger.headers,
            columns=imp.columns,
            lookups=lookups,
        )
        skip = imp.done_rows  # rows committed by an earlier attempt of this import
        batch: list[tuple[int, list]] = []
        for row in ledger.rows():
            if skip:
                skip -= 1
                continue
            batch.append(row)
            if len(batch) >= BATCH:
                _commit_batch(imp, reader, batch, office_cache)
                batch = []
        if batch:
            _commit_batch(imp, reader, batch, office_cache)
    with transaction.atomic():
        imp.state = ImportState.DONE
        imp.finished_at = timezone.now()
        imp.total_rows = imp.done_rows
        imp.save(update_fields=["state", "finished_at", "total_rows"])
        # The file holds names, ID numbers and phones in clear: not kept once
        # every row is in (encrypted) or in the rejected rows (encrypted).
        imp.file.delete(save=False)
        LedgerImport.objects.filter(pk=imp.pk).update(file="")


def _commit_batch(imp: LedgerImport, reader: RowReader, batch, office_cache) -> None:
    """One transaction: the batch's matters, keys, rejections and the counters."""
    created = skipped = rejected = 0
    with transaction.atomic():
        keys = {n: reader.natural_key(values) for n, values in batch}
        known = set(
            LedgerRecord.objects.filter(kind=imp.kind, key__in=set(keys.values())).values_list(
                "key", flat=True
            )
        )
        records, rejections = [], []
        # The analytics facts of the batch's matters computed once, at its end
        # (the matters count in the figures of their years as each batch commits).
        with analytics_services.summaries_refreshed_once():
            for number, values in batch:
                key = keys[number]
                if key in known:
                    skipped += 1
                    continue
                try:
                    matter = reader.matter(values)
                    made = _make(imp, matter, office_cache)
                except RowRejected as exc:
                    rejections.append(_rejection(imp, number, exc.reason, values))
                    rejected += 1
                    continue
                except InvalidInput as exc:
                    reason = " ".join(
                        str(m) for messages in exc.field_errors.values() for m in messages
                    ) or str(exc.message)
                    rejections.append(_rejection(imp, number, reason, values))
                    rejected += 1
                    continue
                known.add(key)
                records.append(
                    LedgerRecord(
                        kind=imp.kind,
                        key=key,
                        ledger_import=imp,
                        row_number=number,
                        matter_id=made.pk,
                        matter_number=made.number,
                    )
                )
                created += 1
        LedgerRecord.objects.bulk_create(records)
        LedgerRejection.objects.bulk_create(rejections)
        imp.done_rows += len(batch)
        imp.created_count += created
        imp.skipped_count += skipped
        imp.rejected_count += rejected
        imp.total_rows = max(imp.total_rows, imp.done_rows)
        imp.save(
            update_fields=[
                "done_rows",
                "created_count",
                "skipped_count",
                "rejected_count",
                "total_rows",
            ]
        )
    # A management command runs with DEBUG=1, where Django keeps every query:
    # let them go, so memory stays flat over 100,000 rows.
    reset_queries()


def _make(imp: LedgerImport, matter, office_cache):
    if imp.kind == LedgerKind.PETITIONS:
        return petition_services.petition_import_historical(
            actor=imp.created_by, matter=matter, source=imp.source, office_cache=office_cache
        )
    return mediation_services.dispute_import_historical(
        actor=imp.created_by, dispute=matter, source=imp.source
    )


def _rejection(imp, number: int, reason: str, values) -> LedgerRejection:
    return LedgerRejection(
        ledger_import=imp,
        row_number=number,
        reason=reason[:1000],
        values=json.dumps([_plain(v) for v in values], ensure_ascii=False),
    )


def _plain(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
