"""The Django admin manages units, users and memberships, through the services."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError

from xinfang.core.exceptions import InvalidInput

from . import services
from .models import Membership, Unit
from .permissions import ADMINISTRATOR_FLAG


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "level",
        "kind",
        "mediation_type",
        "parent",
        "on_system",
        "is_active",
    ]
    list_filter = ["level", "kind", "mediation_type", "on_system", "is_active"]
    search_fields = ["name", "code", "short_name", "formal_name"]
    autocomplete_fields = ["parent"]
    ordering = ["depth", "sort_order", "code"]

    def save_model(self, request, obj, form, change):
        data = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            if change:
                services.unit_update(unit=Unit.objects.get(pk=obj.pk), **data)
            else:
                fields = {
                    name: form.cleaned_data.get(name)
                    for name in [
                        "code",
                        "name",
                        "short_name",
                        "formal_name",
                        "kind",
                        "level",
                        "parent",
                        "mediation_type",
                        "sort_order",
                        "on_system",
                        "superior_organ_name",
                    ]
                }
                created = services.unit_create(**fields)
                obj.pk = created.pk
        except InvalidInput as exc:
            raise ValidationError({k: v for k, v in exc.field_errors.items()}) from exc


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["unit"]
    fields = ["unit", "role", "is_primary"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "is_active", ADMINISTRATOR_FLAG, "last_login"]

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        for obj in formset.deleted_objects:
            services.membership_remove(membership=obj)
        for inline_form in formset.forms:
            if not inline_form.has_changed() or inline_form in formset.deleted_forms:
                continue
            data = inline_form.cleaned_data
            if inline_form.instance.pk:
                services.membership_remove(membership=inline_form.instance)
            services.membership_add(
                user=form.instance,
                unit=data["unit"],
                role=data["role"],
                is_primary=data.get("is_primary", False),
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "is_primary"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]

    def save_model(self, request, obj, form, change):
        if change:
            services.membership_remove(membership=Membership.objects.get(pk=obj.pk))
        created = services.membership_add(
            user=obj.user, unit=obj.unit, role=obj.role, is_primary=obj.is_primary
        )
        obj.pk = created.pk

    def delete_model(self, request, obj):
        services.membership_remove(membership=obj)
