from django.contrib import admin

from .models import SecurityRecord


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
