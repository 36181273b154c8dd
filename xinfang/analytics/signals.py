"""The summaries follow the matters: every save of a matter or of an evaluation
brings that matter's fact and summary rows up to date in the same transaction
(summaries.refresh). Saves through QuerySet.update() send no signal: none of the
petition services changes a field the figures read that way (number, query code,
same_as, idempotency keys); the periodic tick (analytics_tick) and
analytics_rebuild repair anything else."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from xinfang.petitions.models import Evaluation, Petition

from . import summaries


@receiver(post_save, sender=Petition, dispatch_uid="analytics.matter_saved")
def matter_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        summaries.refresh([instance.pk])


@receiver(pre_delete, sender=Petition, dispatch_uid="analytics.matter_deleted")
def matter_deleted(sender, instance, **kwargs):
    summaries.forget(instance.pk)


@receiver(post_save, sender=Evaluation, dispatch_uid="analytics.evaluation_saved")
@receiver(post_delete, sender=Evaluation, dispatch_uid="analytics.evaluation_deleted")
def evaluation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        summaries.refresh([instance.petition_id])
