import datetime as dt

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.tasks.base import TaskResultStatus
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from knox.admin import AuthTokenAdmin
from knox.models import AuthToken

from . import documents, logins, notify, permissions, services, tasks
from .calendar import CalendarEntry
from .exceptions import DomainError
from .models import (
    CalendarDay,
    CalendarFingerprint,
    CalendarYear,
    NoticeTemplate,
    OutboxMessage,
    PeriodicJob,
    SecurityRecord,
    WorkerBeat,
)

# The admin site speaks the reader's language (Chinese first): Django's defaults
# ("Django administration") and a bare "Xinfang" were English on every page.
admin.site.site_header = _("Xinfang administration")
admin.site.site_title = _("Xinfang")
admin.site.index_title = _("Site administration")

# django-axes' model and field names ("access attempt", "Failed Logins", ...)
# are msgids of its own catalogue, which has no Chinese: locale/zh_Hans (in
# LOCALE_PATHS, read before the apps' catalogues) translates them.


@admin.register(SecurityRecord)
class SecurityRecordAdmin(admin.ModelAdmin):
    """Read-only: the record is append-only."""

    list_display = ["at", "kind", "username", "ip_address", "target"]
    list_filter = ["kind"]
    search_fields = ["username", "target"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LockedFilter(admin.SimpleListFilter):
    title = _("locked")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("Locked now")), ("no", _("Failures below the limit"))]

    def queryset(self, request, queryset):
        limit = settings.AXES_FAILURE_LIMIT
        if self.value() == "yes":
            return queryset.filter(failures_since_start__gte=limit)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=limit)
        return queryset


@admin.register(AccessAttempt)
class LoginLockAdmin(admin.ModelAdmin):
    """The failed logins per (user name, address) that django-axes keeps, and the
    locks among them; "lift" forgives them (on the security record)."""

    list_display = ["username", "ip_address", "failures_since_start", "is_locked", "attempt_time"]
    list_filter = [LockedFilter]
    search_fields = ["username", "ip_address"]
    ordering = ["-failures_since_start", "-attempt_time"]
    fields = list_display[:3] + ["attempt_time", "user_agent", "path_info"]
    readonly_fields = fields
    actions = ["lift"]

    @admin.display(boolean=True, description=_("locked"))
    def is_locked(self, attempt):
        return logins.is_locked(attempt)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Through the "lift" action only, so that each lift is recorded.
        return False

    def has_lift_permission(self, request):
        return request.user.has_perm("axes.delete_accessattempt")

    @admin.action(description=_("Lift the selected locks"), permissions=["lift"])
    def lift(self, request, queryset):
        lifted = logins.lock_lift(actor=request.user, attempts=queryset)
        self.message_user(
            request,
            ngettext("%(count)d lock lifted.", "%(count)d locks lifted.", lifted)
            % {"count": lifted},
        )


@admin.register(CalendarFingerprint)
class CalendarFingerprintAdmin(admin.ModelAdmin):
    """Read-only: which holiday data the stored deadlines were last computed with,
    and when it was last checked (by the tick) or changed (calendar_data_sync)."""

    list_display = ["digest", "versions", "checked_at", "changed_at"]
    fields = ["digest", "versions", "checked_at", "changed_at", "years"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CalendarDayInline(admin.TabularInline):
    """The days of a draft year. A published year is read-only here: the clocks
    use it, and a change must go through calendar_year_publish so open deadlines
    are recomputed."""

    model = CalendarDay
    fields = ["date", "is_working_day", "name"]
    extra = 3

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and obj.published)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.published)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.published)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Enter a year's holiday schedule as a draft (the clocks ignore drafts), then
    publish it with the action; publishing goes through the service."""

    list_display = ["year", "published", "published_at", "published_by", "note"]
    list_filter = ["published"]
    readonly_fields = ["published", "published_at", "published_by"]
    inlines = [CalendarDayInline]
    actions = ["publish"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.published)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.published)

    @admin.action(description=_("Publish the schedules of the selected years"))
    def publish(self, request, queryset):
        published = 0
        for calendar_year in queryset.prefetch_related("days"):
            entries = [
                CalendarEntry(day.date, day.is_working_day, day.name)
                for day in calendar_year.days.all()
            ]
            try:
                services.calendar_year_publish(
                    year=calendar_year.year,
                    days=entries,
                    actor=request.user,
                    note=calendar_year.note,
                )
            except DomainError as error:
                reasons = [str(m) for found in error.field_errors.values() for m in found]
                self.message_user(
                    request,
                    _("%(year)s was not published: %(error)s")
                    % {"year": calendar_year.year, "error": "; ".join(reasons) or error.message},
                    messages.ERROR,
                )
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("%(count)d year published.", "%(count)d years published.", published)
                % {"count": published},
                messages.SUCCESS,
            )


class NoticeTemplateForm(forms.ModelForm):
    """The kind is chosen among the registered ones; title, body and basis must be
    valid templates using only the kind's placeholders (a clear error otherwise)."""

    kind = forms.ChoiceField(label=_("kind"))

    class Meta:
        model = NoticeTemplate
        fields = ["kind", "title", "body", "basis", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14, "cols": 100})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = documents.document_kind_choices()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind:
            texts = {name: data.get(name) or "" for name in ("title", "body", "basis")}
            for name, errors in documents.template_errors(kind, **texts).items():
                for error in errors:
                    self.add_error(name, error)
        return data


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(admin.ModelAdmin):
    """The wording of the written notices. Saving goes through the service; a
    template with an error is refused and nothing changes."""

    form = NoticeTemplateForm
    # The kind by its label (受理告知书), not its code (accept).
    list_display = [
        "kind_label",
        "title",
        "is_active",
        "needs_review",
        "updated_at",
        "updated_by",
    ]
    list_display_links = ["kind_label", "title"]
    list_filter = ["is_active", "needs_review"]
    readonly_fields = ["review_notice", "placeholders", "preview", "updated_at", "updated_by"]
    fields = [
        "review_notice",
        "kind",
        "title",
        "body",
        "basis",
        "is_active",
        "placeholders",
        "preview",
        "updated_at",
        "updated_by",
    ]

    def has_delete_permission(self, request, obj=None):
        # Deleting would take the notice away from every matter: make it inactive.
        return False

    @admin.display(description=_("law in force"))
    def review_notice(self, obj):
        if obj is None or not obj.needs_review:
            return _("This text is up to date with the default wording.")
        return format_html(
            '<strong class="errornote">{}</strong>',
            _(
                "The default wording of this notice changed with the law in force (the "
                "信访工作条例 of 2022), but this text had been edited here and was left as "
                "it is. Check its articles (use {{ law.… }} placeholders) and save it."
            ),
        )

    @admin.display(description=_("kind of document"))
    def kind_label(self, obj):
        spec = documents.DOCUMENT_KINDS.get(obj.kind)
        return spec.label if spec else obj.kind

    @admin.display(description=_("placeholders"))
    def placeholders(self, obj):
        spec = documents.DOCUMENT_KINDS.get(obj.kind) if obj and obj.kind else None
        if spec is None:
            return _("Save the kind first to see its placeholders.")
        return format_html_join(
            "",
            "<div><code>{{{{ {} }}}}</code> {}</div>",
            sorted(spec.placeholders.items()),
        )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj is None or obj.pk is None:
            return _("Save first, then preview the PDF with a sample matter.")
        url = reverse("admin:core_noticetemplate_preview", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("Preview PDF"))

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="core_noticetemplate_preview",
            )
        ]
        return urls + super().get_urls()

    def preview_view(self, request, object_id):
        """The saved template rendered with a sample matter, as the PDF a petitioner gets."""
        template = self.get_object(request, object_id)
        if template is None or not self.has_view_permission(request, template):
            raise Http404
        back = reverse("admin:core_noticetemplate_change", args=[template.pk])
        spec = documents.DOCUMENT_KINDS.get(template.kind)
        if spec is None or spec.sample is None:
            self.message_user(request, _("This kind has no sample to preview."), messages.ERROR)
            return redirect(back)
        sample = spec.sample()
        try:
            with translation.override(settings.LANGUAGE_CODE):
                content = documents.render_template_pdf(
                    title=template.title, body=template.body, basis=template.basis, **sample
                )
        except documents.FontUnavailable as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return redirect(back)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="preview-{template.kind}.pdf"'
        return response

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = services.notice_template_save(
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                basis=data.get("basis", ""),
                is_active=data.get("is_active", False),
                template=obj if change else None,
            )
        except DomainError as error:
            # The form checked the same rules; only a concurrent change gets here.
            raise ValidationError(
                "; ".join(str(m) for found in error.field_errors.values() for m in found)
                or str(error.message)
            ) from error
        obj.pk = saved.pk
        obj.updated_at = saved.updated_at
        obj.updated_by = saved.updated_by


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(AuthTokenAdmin):
    """knox's admin (creating a token shows it once), with Chinese columns: its
    fields' names are English and not translatable."""

    list_display = ["token_prefix", "token_user", "token_created", "token_expiry"]
    list_display_links = ["token_prefix"]

    @admin.display(description=_("token prefix"), ordering="token_key")
    def token_prefix(self, token):
        return token.token_key

    @admin.display(description=_("user"), ordering="user")
    def token_user(self, token):
        return token.user

    @admin.display(description=_("created"), ordering="created")
    def token_created(self, token):
        return token.created

    @admin.display(description=_("expires"), ordering="expiry")
    def token_expiry(self, token):
        return token.expiry or "—"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """The notifications queued, sent, retried and failed (core.notify). The
    recipient and the text are shown masked: a receipt carries a query code.
    "Send again" queues a failed message from its first try."""

    list_display = [
        "created_at",
        "channel",
        "masked_recipient",
        "subject",
        "topic",
        "state",
        "attempts",
        "lag",
        "last_error",
    ]
    list_filter = ["state", "channel"]
    search_fields = ["topic", "subject"]
    date_hierarchy = "created_at"
    fields = [
        "id",
        "channel",
        "masked_recipient",
        "subject",
        "masked_body",
        "topic",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "lag",
    ]
    readonly_fields = fields
    actions = ["send_again"]

    @admin.display(description=_("recipient"))
    def masked_recipient(self, message):
        return notify.mask_recipient(message.recipient)

    @admin.display(description=_("text"))
    def masked_body(self, message):
        return notify.mask_secrets(message.body)

    @admin.display(description=_("delivery lag"))
    def lag(self, message):
        if not message.sent_at:
            return "-"
        return f"{(message.sent_at - message.created_at).total_seconds():.1f} s"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_send_again_permission(self, request):
        return permissions.is_administrator(request.user)

    @admin.action(description=_("Send the selected messages again"), permissions=["send_again"])
    def send_again(self, request, queryset):
        done = 0
        for message in queryset.exclude(state__in=OutboxMessage.OPEN_STATES):
            notify.send_again(message)
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", done)
            % {"count": done},
        )


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    """The background workers and when each last said it was alive."""

    list_display = ["worker_id", "host", "pid", "started_at", "seen_at", "alive"]
    readonly_fields = list_display[:-1]

    @admin.display(boolean=True, description=_("alive"))
    def alive(self, worker):
        stale = timezone.now() - dt.timedelta(seconds=settings.XINFANG_WORKER_STALE_SECONDS)
        return worker.seen_at >= stale

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    """The periodic commands: when each was last queued and is next due."""

    list_display = ["name", "last_enqueued_at", "next_at", "last_task_id"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- the background tasks (django-tasks-db's list, with "run again") ---------------

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """Every background task: queued, running, done and failed with its traceback
    (django-tasks-db's page), and "run again" for the failed ones: a task that
    failed all its tries is queued once more with the same arguments."""

    list_display = [*DBTaskResultAdmin.list_display[:4], "attempt", "finished_at"]
    actions = ["run_again"]

    @admin.display(description=_("try"))
    def attempt(self, result):
        return (result.args_kwargs or {}).get("kwargs", {}).get("attempt", 1)

    def has_run_again_permission(self, request):
        return permissions.is_administrator(request.user)

    @admin.action(description=_("Run the selected failed tasks again"), permissions=["run_again"])
    def run_again(self, request, queryset):
        done = 0
        for result in queryset.filter(status=TaskResultStatus.FAILED):
            tasks.run_again(result.pk)
            done += 1
        self.message_user(
            request,
            ngettext("%(count)d task queued again.", "%(count)d tasks queued again.", done)
            % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )
