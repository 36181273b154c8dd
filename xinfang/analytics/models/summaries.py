"""The summaries the figures are read from (docs/indicators.md, "Summaries").

MatterFact: one row per matter, what it contributes to the figures (its keys and
its 0/1 measures, the on-time flags worked out with the calendar when it changed).
Summary: the facts of the counted matters summed by day and by month (`grain`):
by place and responsible unit (`dim` = ""), by the townships they lie in (`dim` =
"t", the city's rollup), by channel, purpose, category and responsible unit
(`dim` = that name, `key` = its value) with the place and the unit taken to their
townships, and the same for the whole tree (`dim` "w…": no place; an accusation's
unit's township only). Accusations have rows of their own (`accusation`): the
visibility guard reads their responsible unit there, and the facts for the rest
(the accused unit, `MatterFact.accused`). Both are rebuilt by
`manage.py analytics_rebuild`.
StaleFact: a matter saved since its fact was last brought up to date. The
matter's save marks it in its own transaction (one row, no lock on the shared
summary rows); the marks are worked off together (summaries.drain) after the
request's answer has been sent, before any figure is read, and by the tick.
"""

from __future__ import annotations

from django.db import models

from xinfang.petitions.models import Petition

# The measures of one matter (each 0 or 1, but the evaluation counts); a Summary
# row holds their sums. Their meaning: docs/indicators.md.
MEASURES = (
    "total",
    "grp",
    "cross_level",
    "repeat",
    "acc_n",
    "acc_ok",
    "rep_n",
    "rep_ok",
    "answered",
    "evaluated",
    "evals",
    "evals_unit",
    "evals_office",
    "first_n",
    "first_ok",
    "local_n",
    "local_ok",
)


def _measures(cls):
    for name in MEASURES:
        cls.add_to_class(name, models.IntegerField(default=0))
    return cls


@_measures
class MatterFact(models.Model):
    petition = models.OneToOneField(
        Petition, primary_key=True, on_delete=models.CASCADE, related_name="analytics_fact"
    )
    received_on = models.DateField()
    place = models.IntegerField()
    unit = models.IntegerField(help_text="responsible unit; 0: none yet")
    place_t = models.IntegerField(help_text="the township the place lies in (or the place)")
    unit_t = models.IntegerField(help_text="the township the unit lies in (or the unit); 0")
    category = models.IntegerField()
    channel = models.CharField(max_length=10)
    purpose = models.CharField(max_length=12)
    accusation = models.BooleanField()
    accused = models.IntegerField(default=0, help_text="the accused unit; 0: none")
    counted = models.BooleanField(help_text="not merged into another matter")

    class Meta:
        indexes = [
            models.Index(fields=["received_on"], name="fact_received"),
            models.Index(
                fields=["received_on"],
                name="fact_accusation_received",
                condition=models.Q(accusation=True, counted=True),
            ),
            # The accusations a user reads from the facts: those whose responsible
            # unit is outside their reach, of a unit's places (summaries.gather;
            # read from the index alone).
            models.Index(
                fields=["unit", "received_on", "place", "petition"],
                name="fact_accusation_unit",
                condition=models.Q(accusation=True, counted=True),
            ),
            models.Index(
                fields=["place", "received_on", "unit", "petition"],
                name="fact_accusation_place",
                condition=models.Q(accusation=True, counted=True),
            ),
            models.Index(
                fields=["accused", "received_on"],
                name="fact_accusation_accused",
                condition=models.Q(accusation=True, counted=True),
            ),
        ]

    def __str__(self) -> str:
        return f"fact of matter {self.petition_id}"


@_measures
class Summary(models.Model):
    grain = models.CharField(max_length=1)  # "d": the day `start`; "m": the month from `start`
    start = models.DateField()
    place = models.IntegerField()
    unit = models.IntegerField()
    dim = models.CharField(max_length=10, blank=True)
    key = models.CharField(max_length=20, blank=True)
    accusation = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "start", "place", "unit", "dim", "key", "accusation"],
                name="summary_key_accusation",
            )
        ]
        indexes = [
            # The volumes by dimension read from the index alone (the city's year:
            # 12k rows on 8k pages read from the table before).
            models.Index(
                fields=["dim", "grain", "start"],
                include=["key", "accusation", "place", "unit", "total"],
                name="summary_dim_cover",
            ),
            # A unit's rows, by place or by responsible unit (the township's page).
            models.Index(fields=["grain", "dim", "place", "start"], name="summary_place"),
            models.Index(fields=["grain", "dim", "unit", "start"], name="summary_unit"),
        ]

    def __str__(self) -> str:
        acc = " accusations" if self.accusation else ""
        return f"{self.grain} {self.start} {self.place}/{self.unit} {self.dim}={self.key}{acc}"


class StaleFact(models.Model):
    """A matter whose fact and summary rows are to be brought up to date (no
    foreign key: a deleted matter's mark is worked off as "no fact")."""

    petition_id = models.BigIntegerField(primary_key=True)
    marked_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"matter {self.petition_id} to count again"
