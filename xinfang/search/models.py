"""The search index's rows and the synonyms applied at query time.

`SearchEntry` holds one indexed object (a matter, a dispute, a mediation case):
its text as shown in results' snippets (`body`; the number, title and state are
read from the object itself, which is fresh and visible), the segmented text (`tokens`, jieba's
words joined by spaces) and a digest of the source text, so an unchanged save
does not segment again. The database indexes `tokens`: on SQLite an FTS5 table
(`search_fts`, external content, kept by triggers), on PostgreSQL a generated
`tsvector` column (`tsv`, 'simple' configuration) with a GIN index; both are
made by migration 0002 for the database in use, so a row and its index entry
are written in one statement's transaction. `units` holds a matter's reach
units (a first cut of visibility, engine.py); PostgreSQL indexes it with GIN
(migration 0004).
"""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PETITION = "petition", _("Matter")
    DISPUTE = "dispute", _("Dispute")
    CASE = "case", _("Mediation case")


class SearchEntry(models.Model):
    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    body = models.TextField(blank=True)
    tokens = models.TextField(blank=True)
    digest = models.CharField(max_length=64)
    # A matter's reach units (petitions.permissions.reach_unit_ids, as strings):
    # a search cuts with them before applying the lists' visibility, so that a
    # township's handler does not join every match to every matter he may see.
    # Empty for disputes and cases. Kept by index.py in the writer's transaction.
    units = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_object")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class Synonym(models.Model):
    """One group of words meaning the same thing to a petition office
    (拖欠工资 欠薪 讨薪 ...): a query for one finds the others."""

    words = models.CharField(
        _("words"), max_length=300, help_text=_("Words of the same meaning, separated by spaces.")
    )

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.words

    @staticmethod
    def split(words: str) -> list[str]:
        return [w for w in re.split(r"[\s,，、/]+", words or "") if w]


class RoutingModel(models.Model):
    """The routing suggestions' model of one petition office (search.routing):
    retrained by `manage.py search_train_routing` (a periodic command). `model`
    holds the word counts per category and per responsible unit (JSON)."""

    office = models.OneToOneField(
        "orgs.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("petition office")
    )
    trained_at = models.DateTimeField()
    matters = models.PositiveIntegerField(_("concluded matters learned from"))
    model = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("routing model")
        verbose_name_plural = _("routing models")

    def __str__(self) -> str:
        return f"{self.office_id}: {self.matters}"
