"""The summaries follow the matters: every save of a matter or of an evaluation
marks that matter in the same transaction (summaries.mark: one row of its own,
no lock on the summary rows other submissions add to), and the marks are worked
off together (summaries.drain) after the request's answer has gone (core.after;
at most once a second a process: summaries.drain_soon), by any reading of the
figures before it reads, and by the tick.
Saves through QuerySet.update() send no signal: none of the
petition services changes a field the figures read that way (number, query code,
same_as, idempotency keys); the periodic tick (analytics_tick) and
analytics_rebuild repair anything else."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from xinfang.core.after import after_response
from xinfang.petitions.models import Evaluation, Petition

from . import summaries

# The matters saved inside `refresh_once()`: brought up to date together at its end.
_pending: ContextVar[set[int] | None] = ContextVar("analytics_pending", default=None)


@contextmanager
def refresh_once() -> Iterator[None]:
    """Matters saved inside the block are brought up to date once, when it ends
    without error, in the caller's transaction: one computation for a batch of
    matters (the ledger import's 500 rows) instead of one per save. An error
    leaves the facts as they were (the caller's transaction rolls back)."""
    ids: set[int] = set()
    token = _pending.set(ids)
    try:
        yield
    finally:
        _pending.reset(token)
    summaries.refresh(ids)


def _changed(petition_id: int) -> None:
    pending = _pending.get()
    if pending is not None:
        pending.add(petition_id)
        return
    summaries.mark([petition_id])
    after_response(summaries.drain_soon)


@receiver(post_save, sender=Petition, dispatch_uid="analytics.matter_saved")
def matter_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _changed(instance.pk)


@receiver(pre_delete, sender=Petition, dispatch_uid="analytics.matter_deleted")
def matter_deleted(sender, instance, **kwargs):
    summaries.forget(instance.pk)


@receiver(post_save, sender=Evaluation, dispatch_uid="analytics.evaluation_saved")
@receiver(post_delete, sender=Evaluation, dispatch_uid="analytics.evaluation_deleted")
def evaluation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        _changed(instance.petition_id)
