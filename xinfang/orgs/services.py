"""Every write to units and memberships. Keeps the closure table (UnitLink) true."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.exceptions import InvalidInput

from .models import Membership, Role, Unit, UnitKind, UnitLink
from .permissions import set_administrator

User = get_user_model()


def _check_unit_fields(
    *, parent: Unit | None, kind: str, mediation_type: str, superior_organ_name: str = ""
) -> None:
    errors: dict[str, list[str]] = {}
    if parent is not None and (superior_organ_name or "").strip():
        errors["superior_organ_name"] = [
            _("Only the top unit of the tree names the organ above this system.")
        ]
    if parent is None and kind != UnitKind.TERRITORIAL:
        errors["parent"] = [_("Only a territorial unit can stand at the top of the tree.")]
    if kind == UnitKind.MEDIATION_COMMITTEE and not mediation_type:
        errors["mediation_type"] = [_("A professional mediation committee needs its type.")]
    if kind != UnitKind.MEDIATION_COMMITTEE and mediation_type:
        errors["mediation_type"] = [_("Only a professional mediation committee has a type.")]
    if errors:
        raise InvalidInput(field_errors=errors)


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    level: str,
    parent: Unit | None = None,
    mediation_type: str = "",
    short_name: str = "",
    formal_name: str = "",
    sort_order: int = 0,
    on_system: bool = True,
    superior_organ_name: str = "",
) -> Unit:
    _check_unit_fields(
        parent=parent,
        kind=kind,
        mediation_type=mediation_type,
        superior_organ_name=superior_organ_name,
    )
    unit = Unit.objects.create(
        code=code,
        name=name,
        short_name=short_name,
        formal_name=formal_name or "",
        kind=kind,
        level=level,
        parent=parent,
        mediation_type=mediation_type,
        depth=(parent.depth + 1) if parent else 0,
        sort_order=sort_order,
        on_system=on_system,
        superior_organ_name=(superior_organ_name or "").strip(),
    )
    links = [UnitLink(ancestor=unit, descendant=unit, distance=0)]
    if parent is not None:
        links += [
            UnitLink(ancestor_id=link.ancestor_id, descendant=unit, distance=link.distance + 1)
            for link in UnitLink.objects.filter(descendant=parent)
        ]
    UnitLink.objects.bulk_create(links)
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, **fields) -> Unit:
    """Change a unit's fields; a new parent moves its whole subtree."""
    new_parent = fields.pop("parent", unit.parent)
    kind = fields.get("kind", unit.kind)
    mediation_type = fields.get("mediation_type", unit.mediation_type)
    _check_unit_fields(
        parent=new_parent,
        kind=kind,
        mediation_type=mediation_type,
        superior_organ_name=fields.get("superior_organ_name", unit.superior_organ_name),
    )
    if new_parent is not None and (
        new_parent.pk == unit.pk
        or UnitLink.objects.filter(ancestor=unit, descendant=new_parent).exists()
    ):
        raise InvalidInput(field_errors={"parent": [_("A unit cannot be placed below itself.")]})
    for name, value in fields.items():
        setattr(unit, name, value)
    moved = (new_parent.pk if new_parent else None) != unit.parent_id
    unit.parent = new_parent
    unit.save()
    if moved:
        _relink_subtree(unit)
    return unit


def _relink_subtree(unit: Unit) -> None:
    subtree = list(UnitLink.objects.filter(ancestor=unit).values_list("descendant_id", "distance"))
    subtree_ids = [d for d, _dist in subtree]
    # Cut the subtree loose from its old ancestors, then tie it to the new ones.
    UnitLink.objects.filter(descendant_id__in=subtree_ids).exclude(
        ancestor_id__in=subtree_ids
    ).delete()
    new_ancestors = (
        list(UnitLink.objects.filter(descendant=unit.parent).values_list("ancestor_id", "distance"))
        if unit.parent_id
        else []
    )
    UnitLink.objects.bulk_create(
        UnitLink(ancestor_id=anc, descendant_id=desc, distance=up + 1 + down)
        for anc, up in new_ancestors
        for desc, down in subtree
    )
    base_depth = (unit.parent.depth + 1) if unit.parent_id else 0
    for desc, down in subtree:
        Unit.objects.filter(pk=desc).update(depth=base_depth + down)


@transaction.atomic
def membership_add(*, user, unit: Unit, role: str, is_primary: bool = False) -> Membership:
    if role not in Role.values:
        raise InvalidInput(field_errors={"role": [_("Unknown role.")]})
    if is_primary:
        Membership.objects.filter(user=user, is_primary=True).update(is_primary=False)
    membership, created = Membership.objects.get_or_create(
        user=user, unit=unit, role=role, defaults={"is_primary": is_primary}
    )
    if not created and is_primary and not membership.is_primary:
        membership.is_primary = True
        membership.save(update_fields=["is_primary"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    membership.delete()


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    administrator: bool = False,
):
    """Create a staff user (an administrator: orgs.permissions); the password must
    pass the password policy."""
    user = User(username=username, first_name=full_name, email=email)
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise InvalidInput(field_errors={"password": list(exc.messages)}) from exc
    set_administrator(user, administrator)
    user.set_password(password)
    user.save()
    return user
