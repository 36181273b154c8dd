import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .crypto import BlindIndexField, EncryptedTextField


class SecurityRecord(models.Model):
    """Append-only record of security-relevant acts: lock-outs, reads of personal
    data, logins. Written only through core.services.record_security_event."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Account locked")
        LOGOUT = "logout", _("Logout")
        PII_READ = "pii_read", _("Personal data shown")
        LOGIN_THROTTLED = "login_throttled", _("Logins from one address slowed down")
        LOCK_LIFTED = "lock_lifted", _("Lock lifted")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        TOKENS_REVOKED = "tokens_revoked", _("API tokens revoked")
        PII_REFUSED = "pii_refused", _("Personal data refused: too many reads")
        PII_SEARCH = "pii_search", _("Petitioner searched by ID number or phone")
        CODE_REISSUED = "code_reissued", _("Query code issued again")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("user name given"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    target = models.CharField(_("what was read"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security record")
        verbose_name_plural = _("security records")
        ordering = ["-at"]
        indexes = [models.Index(fields=["kind", "at"]), models.Index(fields=["username", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"


class RateBucket(models.Model):
    """One counter of a rate limit: the admitted hits of one client (`key` is
    purpose:client) in one window of the limit's period. Written only by
    core.ratelimit, with a conditional UPDATE so that parallel requests cannot
    overshoot; rows are deleted once they expire."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField()  # seconds since the epoch // the period
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window"], name="core_ratebucket_key_window")
        ]

    def __str__(self) -> str:
        return f"{self.key} @{self.window}: {self.hits}"


class CalendarYear(models.Model):
    """A year of the official holiday schedule (国务院办公厅关于部分节假日安排的通知)
    entered by an administrator, for years the chinese_calendar library does not
    know yet or got wrong. Written only through core.services.calendar_year_publish.

    Only a published year is used by the clocks: a half-typed draft must not move
    live deadlines, and publishing is what triggers the recompute of open ones."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    published = models.BooleanField(_("published"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("holiday schedule year")
        verbose_name_plural = _("holiday schedule years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100),
                name="core_calendaryear_year_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One day whose status differs from the plain Saturday/Sunday rule: a public
    holiday on a weekday (放假) or a make-up working day on a weekend (调休上班).
    Days not listed follow the Saturday/Sunday rule."""

    year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday schedule day")
        verbose_name_plural = _("holiday schedule days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class CalendarFingerprint(models.Model):
    """The holiday data the stored deadlines were last computed with, as a digest
    per year (core.calendar.fingerprint). core.services.calendar_data_sync
    compares it with the data in force (after migrate, on every tick, on
    publication) and recomputes the deadlines of the years that differ, so a
    library upgrade moves them without anyone remembering a command. One row."""

    name = models.CharField(max_length=20, unique=True, default="holidays")
    digest = models.CharField(_("digest"), max_length=64, blank=True)
    years = models.JSONField(_("digest per year"), default=dict, blank=True)
    versions = models.JSONField(_("library versions"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    changed_at = models.DateTimeField(_("changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("holiday data fingerprint")
        verbose_name_plural = _("holiday data fingerprints")

    def __str__(self) -> str:
        return self.digest[:12]


def _validate_document_kind(value):
    from .documents import validate_document_kind

    validate_document_kind(value)


class NoticeTemplate(models.Model):
    """The wording of one kind of written notice (书面告知) or document, edited by an
    administrator without a code change. Title, body and basis are Django template
    text with the kind's placeholders ({{ petitioner }}, {{ number }}, ...); the
    kinds and their placeholders are registered in code (core.documents), so a new
    kind (e.g. mediation_agreement) needs no migration. Written only through
    core.services.notice_template_save."""

    kind = models.CharField(
        _("kind"), max_length=40, unique=True, validators=[_validate_document_kind]
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(
        _("body"),
        help_text=_(
            "Django template text; each line becomes a paragraph. The placeholders of "
            "this kind are listed below the form."
        ),
    )
    basis = models.CharField(
        _("legal basis"),
        max_length=300,
        blank=True,
        help_text=_("Printed after “Basis:”; {{ basis }} is the articles the event cites."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive notice is not offered for download."),
    )
    needs_review = models.BooleanField(
        _("to review for the law in force"),
        default=False,
        help_text=_(
            "Set when the default wording changed with the law (the 信访工作条例 of 2022) "
            "while this text had been edited here: compare it with the new wording and "
            "save it again."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class NumberSequence(models.Model):
    """Last sequence number per prefix (e.g. unit code + year); its row is locked
    to count (core.numbering). Its table kept the name it had in petitions."""

    prefix = models.CharField(max_length=40, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "petitions_numbersequence"

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last}"


# --- Background work ------------------------------------------------------------


class OutboxMessage(models.Model):
    """One SMS or e-mail to send, written in the same transaction as what it
    tells (core.notify.send) and carried by a background task (core.notify.deliver).

    The id is the stable message id: a gateway or receiver that sees it twice
    (a worker killed between sending and recording it) knows it is the same
    message. The recipient and the body are stored encrypted (a receipt carries
    the query code, a credential); `topic` says whose record it belongs to
    ("petition:12"), so a matter's page can list what was sent about it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        RETRYING = "retrying", _("Failed, will be tried again")
        SENT = "sent", _("Sent")
        LOGGED = "logged", _("Written to the log only (no gateway configured)")
        FAILED = "failed", _("Failed for good")
        OPTED_OUT = "opted_out", _("Not sent: the recipient opted out")

    OPEN_STATES = (State.PENDING, State.SENDING, State.RETRYING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(_("channel"), max_length=8)
    recipient = EncryptedTextField(_("recipient"))
    recipient_hash = BlindIndexField(source="recipient")
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = EncryptedTextField(_("text"))
    params = EncryptedTextField(_("template values"), blank=True)  # JSON
    topic = models.CharField(_("about"), max_length=64, blank=True, db_index=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("being sent since"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")

    def __str__(self):
        return f"{self.channel} {self.subject} ({self.get_state_display()})"


class OptOut(models.Model):
    """A phone number or address that asked to receive no more notifications
    (回复TD退订, or the page of a matter): only its keyed hash is kept."""

    address_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=8)
    at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")

    def __str__(self):
        return f"{self.channel} {self.address_hash[:8]}"


class WorkerBeat(models.Model):
    """A background worker says it is alive every few seconds; a task left
    running by a worker that stopped beating (killed, machine lost) is put back
    in the queue (core.tasks.recover_stalled)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("background worker")
        verbose_name_plural = _("background workers")

    def __str__(self):
        return f"{self.worker_id} ({self.host}:{self.pid})"


class PeriodicJob(models.Model):
    """When a periodic command (settings.XINFANG_PERIODIC_COMMANDS) is next due:
    the scheduler enqueues it once per period however many schedulers run."""

    name = models.CharField(max_length=100, primary_key=True)
    next_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)
    last_task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self):
        return self.name
