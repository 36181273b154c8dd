from django.contrib import admin

from .models import Category, Petition, PetitionEvent


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    """The category tree is configurable by the administrator."""

    list_display = ["name", "code", "parent", "mediation_type", "sort_order", "is_active"]
    list_filter = ["parent", "mediation_type", "is_active"]
    search_fields = ["name", "code"]


class EventInline(admin.TabularInline):
    model = PetitionEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_state", "to_state", "public", "actor", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    """Read-only: matters change only through their workflow."""

    list_display = ["number", "summary", "state", "channel", "due_date", "registered_at"]
    list_filter = ["state", "channel", "purpose"]
    search_fields = ["number", "summary"]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
