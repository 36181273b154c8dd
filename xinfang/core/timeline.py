"""One timeline: the abstract event every aggregate's history is made of.

An event is one step in the life of a matter, a dispute, a case, a roster
entry, ... It is append-only (never updated, never deleted) and it is at once
the timeline, the audit trail, the outbox the exchange reads and the source of
reports. A concrete event model adds the foreign key to its subject and names
its transitions table; `record()` is the one writer.

The action is stored as the transition's (or event's) name; its label comes
from the table (`Event.label`), so the staff page, the API and the public page
print the same words and a raw key never reaches a page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """Columns every event shares. Subclasses add `subject_field` (the FK's name)
    and `table` (a core.transitions.Table)."""

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30)
    data = models.JSONField(default=dict, blank=True)

    subject_field = ""
    table = None  # core.transitions.Table

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{getattr(self, self.subject_field + '_id', '')} {self.action} {self.at:%Y-%m-%d}"

    @classmethod
    def record(cls, subject, *, action: str, actor=None, actor_unit=None, **fields):
        """Append one event about `subject` now. An unknown action is a bug, not
        data: it would show as a raw key on every page."""
        if cls.table is not None and action not in cls.table.labels():
            raise ValueError(f"{cls.__name__}: action {action!r} has no label")
        return cls.objects.create(
            **{cls.subject_field: subject},
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_unit=actor_unit,
            action=action,
            **fields,
        )

    @property
    def label(self):
        if self.table is None:
            return self.action
        return self.table.label(self.action)

    def get_action_display(self):
        return self.label
