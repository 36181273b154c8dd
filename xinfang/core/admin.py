from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .calendar import CalendarEntry
from .exceptions import DomainError
from .models import CalendarDay, CalendarYear, SecurityRecord


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
