from django.contrib import admin

from .models import Open311Client, Open311Request


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """The Open311 client applications (made with manage.py open311_client,
    which prints the api_key once); an administrator sets the rate or stops one."""

    list_display = ["name", "rate", "is_active", "created_at"]
    fields = ["name", "rate", "is_active"]

    def has_add_permission(self, request):
        return False


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ["petition", "client", "public", "created_at"]
    list_filter = ["client", "public"]
    readonly_fields = [
        "petition",
        "client",
        "token",
        "public",
        "lat",
        "long",
        "address",
        "device_id",
        "created_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
