import logging
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import calendar
from .calendar import CalendarEntry
from .clients import client_address
from .exceptions import InvalidInput
from .models import CalendarDay, CalendarFingerprint, CalendarYear, NoticeTemplate, SecurityRecord

logger = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The client's address as the security record keeps it (core.clients decides)."""
    if request is None:
        return None
    return client_address(request) or None


def record_security_event(
    *,
    kind: str,
    request=None,
    user: AbstractBaseUser | None = None,
    username: str = "",
    target: str = "",
    detail: dict | None = None,
) -> SecurityRecord:
    """Append one security record. Never updates or deletes."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return SecurityRecord.objects.create(
        kind=kind,
        user=user,
        username=username or (user.get_username() if user else ""),
        ip_address=client_ip(request),
        target=target[:200],
        detail=detail or {},
    )


def calendar_year_publish(
    *,
    year: int,
    days: Iterable[CalendarEntry],
    actor: AbstractBaseUser | None = None,
    note: str = "",
) -> CalendarYear:
    """Publish a year's holiday schedule (国务院办公厅节假日安排): the days that differ
    from the Saturday/Sunday rule, replacing any entered before. From then on the
    clocks use it and its dates are no longer provisional.

    One transaction: the days are saved, then calendar_data_sync runs every
    registered recompute callback (core.calendar.RECOMPUTE_CALLBACKS) for this
    year (and any other whose data changed unseen), so open deadlines never
    disagree with the calendar; if a callback fails, nothing is published."""
    if not 2000 <= year <= 2100:
        raise InvalidInput(field_errors={"year": [_("Not a year the calendar can hold.")]})
    entries = list(days)
    errors = [str(entry.date) for entry in entries if entry.date.year != year]
    if errors:
        raise InvalidInput(
            field_errors={"days": [_("Not in the year: %(dates)s") % {"dates": ", ".join(errors)}]}
        )
    if len({entry.date for entry in entries}) != len(entries):
        raise InvalidInput(field_errors={"days": [_("A date is given twice.")]})
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    try:
        with transaction.atomic():
            # Lock the year so two administrators publishing at once do not
            # interleave their deletes and inserts; a first publication of a year
            # is guarded by the unique year instead (the loser gets IntegrityError).
            calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
            if calendar_year is None:
                calendar_year = CalendarYear(year=year)
            calendar_year.published = True
            calendar_year.published_at = timezone.now()
            calendar_year.published_by = actor
            calendar_year.note = note[:200] or calendar_year.note
            calendar_year.save()
            calendar_year.days.all().delete()
            CalendarDay.objects.bulk_create(
                CalendarDay(
                    year=calendar_year,
                    date=entry.date,
                    is_working_day=entry.is_working_day,
                    name=entry.name[:50],
                )
                for entry in entries
            )
            # The callbacks must see the new schedule, not this process's cache.
            calendar.invalidate_cache()
            calendar_data_sync(reason=calendar.RecomputeReason.PUBLISHED, years={year})
    except BaseException:
        # A callback may have cached rows that were just rolled back.
        calendar.invalidate_cache()
        raise
    return calendar_year


def calendar_data_sync(
    *,
    reason: str = calendar.RecomputeReason.DATA_CHANGED,
    years: Iterable[int] = (),
) -> frozenset[int]:
    """Bring the stored deadlines in line with the holiday data in force.

    Compares the data's fingerprint (core.calendar.fingerprint, a digest per year)
    with the one stored in CalendarFingerprint; for the years that differ (plus
    `years`, which the caller knows changed) runs the registered recompute
    callbacks, which move the deadlines and write their timeline events, then
    stores the new fingerprint. Returns the years recomputed (empty when nothing
    changed). Called by the tick, after migrate and by calendar_year_publish, so
    a library upgrade is applied without a command someone must remember.

    One transaction with the fingerprint row locked: two ticks (or a tick and a
    migrate) racing recompute once; a failing callback leaves the old fingerprint,
    so the next run tries again."""
    CalendarFingerprint.objects.get_or_create(name="holidays")
    with transaction.atomic():
        stored = CalendarFingerprint.objects.select_for_update().get(name="holidays")
        current = calendar.fingerprint()
        known = stored.years if isinstance(stored.years, dict) else {}
        told = frozenset(years)
        found = {year for year, digest in current.items() if known.get(str(year)) != digest}
        changed = told | found
        now = timezone.now()
        stored.checked_at = now
        if not changed:
            stored.save(update_fields=["checked_at"])
            return frozenset()
        # The caller's years under its reason; any other change found on the way
        # (a library upgrade no tick has seen yet) under its own.
        moved = calendar.run_recompute(years=told, reason=reason)
        moved += calendar.run_recompute(
            years=found - told, reason=calendar.RecomputeReason.DATA_CHANGED
        )
        stored.years = {str(year): digest for year, digest in current.items()}
        stored.digest = calendar.fingerprint_digest(current)
        stored.versions = calendar.data_versions()
        stored.changed_at = now
        stored.save()
    logger.info(
        "Holiday data changed (%s) for %s: %d deadlines moved.",
        reason,
        ", ".join(map(str, sorted(changed))),
        moved,
    )
    return frozenset(changed)


def notice_template_save(
    *,
    actor: AbstractBaseUser | None,
    kind: str,
    title: str,
    body: str,
    basis: str = "",
    is_active: bool = True,
    template: NoticeTemplate | None = None,
) -> NoticeTemplate:
    """Create or change the wording of a kind of notice (书面告知). The texts must be
    valid templates using only the kind's placeholders; otherwise InvalidInput with
    the errors per field, and nothing is changed."""
    from .documents import DOCUMENT_KINDS, template_errors

    title, body, basis = (title or "").strip(), (body or "").strip(), (basis or "").strip()
    errors: dict[str, list] = {}
    if kind not in DOCUMENT_KINDS:
        errors["kind"] = [_("Unknown kind of document.")]
    if not title:
        errors["title"] = [_("Give the title.")]
    if not body:
        errors["body"] = [_("Write the text of the notice.")]
    taken = NoticeTemplate.objects.filter(kind=kind)
    if template is not None:
        taken = taken.exclude(pk=template.pk)
    if taken.exists():
        errors["kind"] = [_("This kind already has its template; change that one.")]
    errors.update(template_errors(kind, title=title, body=body, basis=basis))
    if errors:
        raise InvalidInput(field_errors=errors)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        if template is None:
            template = NoticeTemplate(kind=kind)
        else:
            template = NoticeTemplate.objects.select_for_update().get(pk=template.pk)
            template.kind = kind
        template.title = title
        template.body = body
        template.basis = basis
        template.is_active = is_active
        template.needs_review = False  # saved by a person who read it
        template.updated_by = actor
        template.save()
    return template
