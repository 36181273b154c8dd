"""The import of an office's earlier ledgers (台账导入, issue 15): the saved
column mappings per source, each import with its progress, the natural key of
every row that made a matter, and the rows refused with their reason.

The natural key (`LedgerRecord.key`) is what makes an import safe to run again:
a row whose key is already recorded adds nothing, whether it comes from a second
upload of the same file, from an overlapping ledger of the same source, or from
the same import resumed after the worker died half-way (exchange/ledger/run.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import EncryptedTextField


class LedgerKind(models.TextChoices):
    PETITIONS = "petitions", _("Petition matters")
    DISPUTES = "disputes", _("Disputes")


class LedgerMapping(models.Model):
    """Which column of a source's ledger holds which field: saved when an import
    starts, offered again for the next file of that source and kind."""

    source = models.CharField(_("source"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=LedgerKind.choices)
    # {field: header as written in the file}
    columns = models.JSONField(_("columns"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ledger mapping")
        verbose_name_plural = _("ledger mappings")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind"], name="ledger_mapping_source_kind")
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.get_kind_display()})"


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", _("Waiting for the column mapping")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class LedgerImport(models.Model):
    """One uploaded ledger file and its run. The counters are written with each
    committed batch, so the progress shown is what the database holds."""

    source = models.CharField(_("source"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=LedgerKind.choices)
    file = models.FileField(_("file"), upload_to="ledgers/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(max_length=4)  # xlsx or csv
    encoding = models.CharField(max_length=20, blank=True)  # of a csv file
    headers = models.JSONField(default=list)
    mapping = models.ForeignKey(
        LedgerMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    columns = models.JSONField(default=dict)  # the mapping as used by this run
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    done_rows = models.PositiveIntegerField(_("rows read"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    skipped_count = models.PositiveIntegerField(_("already imported"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.file_name}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.state == ImportState.DONE else 0
        return min(100, round(100 * self.done_rows / self.total_rows))

    @property
    def is_active(self) -> bool:
        return self.state in (ImportState.QUEUED, ImportState.RUNNING)


class LedgerRecord(models.Model):
    """The natural key of a ledger row and the matter it made. Unique per kind:
    the same row read again (same source and ledger number, or the same values
    when the ledger has no number) finds its record and adds nothing."""

    kind = models.CharField(max_length=10, choices=LedgerKind.choices)
    key = models.CharField(max_length=64)
    ledger_import = models.ForeignKey(
        LedgerImport, on_delete=models.PROTECT, related_name="records"
    )
    row_number = models.PositiveIntegerField()
    # The matter made: a petition or a dispute (ids, not keys: the exchange
    # reaches the other areas only through their services and selectors).
    matter_id = models.BigIntegerField()
    matter_number = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="ledger_record_kind_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.matter_number}"


class LedgerRejection(models.Model):
    """A row that was not imported, with the reason, for the downloadable report.
    The row's values hold names, ID numbers and phones: encrypted at rest."""

    ledger_import = models.ForeignKey(
        LedgerImport, on_delete=models.CASCADE, related_name="rejections"
    )
    row_number = models.PositiveIntegerField(_("row"))
    reason = models.TextField(_("reason"))
    values = EncryptedTextField(_("values"), blank=True)  # JSON list, as read

    class Meta:
        ordering = ["row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger_import", "row_number"], name="ledger_rejection_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ledger_import_id}:{self.row_number}"
