"""Open311 GeoReport v2 over the public categories and matters (exchange.open311).

The mapping, field by field (docs/api.md, "Open311"):
- a service is an active sub-category: service_code ← Category.code, group ← its
  parent's name; every service has metadata (the attributes a matter needs that
  GeoReport has no field for: place, purpose, consent, publish, ...);
- a request is a matter: service_request_id ← its number; status open/closed ←
  its state; status_notes ← the state's name; agency_responsible ← the
  responsible unit; expected_datetime ← the running clock's due date (end of
  that day, China time); requested/updated_datetime ← registered/changed;
  address, lat/long as posted; media_url is never filled (attachments are not
  published).
- Publishing: GET requests lists only matters posted through Open311 whose
  petitioner answered publish=yes, and only their summary, never their content,
  names, phones or codes. An accusation cannot be posted here (the portal
  explains its confidentiality) and is never listed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core.exceptions import InvalidInput
from xinfang.core.querycode import format_query_code
from xinfang.orgs.models import Unit, UnitKind
from xinfang.petitions import services as petitions
from xinfang.petitions.models import CLOSED_STATES, Category, Petition, Purpose, State

from ..models import Open311Client, Open311Request, key_digest

CHINA = dt.timezone(dt.timedelta(hours=8))
YES = "yes"
LIST_LIMIT = 1000
LIST_DAYS = 90
PURPOSES = (Purpose.APPEAL, Purpose.SUGGESTION)


def client_for(api_key: str) -> Open311Client | None:
    if not api_key:
        return None
    return Open311Client.objects.filter(key_digest=key_digest(api_key), is_active=True).first()


def services() -> list[Category]:
    return list(
        Category.objects.filter(is_active=True, parent__isnull=False, parent__is_active=True)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__code", "sort_order", "code")
    )


def service(code: str) -> Category | None:
    return next((c for c in services() if c.code == code), None)


def service_row(c: Category) -> dict:
    return {
        "service_code": c.code,
        "service_name": c.name,
        "description": f"{c.parent.name} / {c.name}",
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": c.parent.name,
    }


def places() -> list[Unit]:
    """The territorial units a matter may arise in (the city, its townships and
    villages), as the public form offers them."""
    return list(
        Unit.objects.filter(is_active=True, kind=UnitKind.TERRITORIAL)
        .select_related("parent")
        .order_by("depth", "sort_order", "code")
    )


def _place_name(u: Unit) -> str:
    return u.name_with_township


def definition(c: Category) -> dict:
    def attribute(order, code, datatype, required, description, values=None):
        row = {
            "variable": True,
            "code": code,
            "datatype": datatype,
            "required": required,
            "datatype_description": "",
            "order": order,
            "description": description,
        }
        if values is not None:
            row["values"] = [{"key": k, "name": n} for k, n in values]
        return row

    yes = [(YES, _("Yes"))]
    return {
        "service_code": c.code,
        "attributes": [
            attribute(
                1,
                "place",
                "singlevaluelist",
                True,
                _("Where the problem arose (township or village)."),
                [(str(u.pk), _place_name(u)) for u in places()],
            ),
            attribute(
                2,
                "purpose",
                "singlevaluelist",
                True,
                _("Appeal or request, or a suggestion. Accusations go through the website."),
                [(p.value, str(p.label)) for p in PURPOSES],
            ),
            attribute(3, "summary", "string", False, _("The matter in one line.")),
            attribute(4, "id_number", "string", False, _("Resident ID number.")),
            attribute(5, "people_count", "number", False, _("How many people bring it.")),
            attribute(
                6,
                "consent",
                "singlevaluelist",
                True,
                _("I agree that my personal data is used to handle this matter."),
                yes,
            ),
            attribute(
                7,
                "publish",
                "singlevaluelist",
                False,
                _(
                    "Publish the summary, state and responsible unit of this matter "
                    "(never my name, contacts or the full text)."
                ),
                yes + [("no", _("No"))],
            ),
        ],
    }


# --- requests -----------------------------------------------------------------------


def _decimal(value: str, name: str, low: int, high: int) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not (low <= number <= high):
        raise InvalidInput(field_errors={name: [_("Not a coordinate.")]})
    return number.quantize(Decimal("0.000001"))


def fingerprint(client: Open311Client, fields: dict) -> str:
    clean = {k: v for k, v in sorted(fields.items()) if k != "api_key"}
    raw = json.dumps([client.pk, clean], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def post_request(client: Open311Client, fields: dict) -> tuple[Open311Request, str, bool]:
    """A matter from a posted request (fields: the POST's values, attribute[x] as
    given). Returns (request, query code, created); the same post again from the
    same client within the idempotency window answers the first one."""
    attrs = {k[len("attribute[") : -1]: v for k, v in fields.items() if k.startswith("attribute[")}
    errors: dict[str, list] = {}
    category = service(fields.get("service_code", ""))
    if category is None:
        errors["service_code"] = [_("Choose a service from the service list.")]
    place = None
    place_id = attrs.get("place") or fields.get("address_id", "")
    if place_id.isdigit():
        place = next((u for u in places() if u.pk == int(place_id)), None)
    if place is None:
        errors["place"] = [_("Choose the township or village where the problem arose.")]
    purpose = attrs.get("purpose", Purpose.APPEAL)
    if purpose not in PURPOSES:
        errors["purpose"] = [_("Appeal or request, or a suggestion.")]
    if attrs.get("consent") != YES:
        errors["consent"] = [
            _("We need your consent to handle your personal data for this matter.")
        ]
    name = (fields.get("last_name", "") + fields.get("first_name", "")).strip()
    if not name:
        errors["last_name"] = [_("Give your name.")]
    description = fields.get("description", "").strip()
    if not description:
        errors["description"] = [_("Describe the matter.")]
    people = attrs.get("people_count", "1") or "1"
    if not people.isdigit() or not 1 <= int(people) <= 100000:
        errors["people_count"] = [_("A number of people from 1.")]
    try:
        lat = _decimal(fields.get("lat", ""), "lat", -90, 90)
        long = _decimal(fields.get("long", ""), "long", -180, 180)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
        lat = long = None
    if errors:
        raise InvalidInput(field_errors=errors)
    summary = (attrs.get("summary") or description.splitlines()[0])[:200]
    print_ = fingerprint(client, fields)
    petitioner = {
        "name": name[:60],
        "id_number": attrs.get("id_number", ""),
        "phone": fields.get("phone", ""),
        "address": fields.get("address_string", "")[:200],
    }
    with transaction.atomic():
        p, created = petitions.petition_submit_public(
            idempotency_key=f"o311-{client.pk}-{print_[:48]}",
            channel="online",
            purpose=purpose,
            category=category,
            place=place,
            summary=summary,
            content=description,
            request="",
            people_count=int(people),
            petitioners=[petitioner],
            attachments=[],
        )
        row = Open311Request.objects.filter(petition=p).first()
        if row is None:
            row = Open311Request.objects.create(
                petition=p,
                client=client,
                fingerprint=print_,
                public=attrs.get("publish") == YES,
                lat=lat,
                long=long,
                address=fields.get("address_string", "")[:200],
                device_id=fields.get("device_id", "")[:100],
            )
    return row, format_query_code(p.query_code), created


def published() -> QuerySet[Open311Request]:
    """What GET requests may show: posted here, published by the petitioner, not
    an accusation (checked again, whatever the matter became)."""
    return (
        Open311Request.objects.filter(public=True)
        .exclude(petition__purpose=Purpose.ACCUSATION)
        .select_related(
            "petition", "petition__category", "petition__responsible_unit", "petition__place"
        )
    )


def _iso(value) -> str:
    return value.astimezone(CHINA).isoformat(timespec="seconds") if value else ""


def request_row(r: Open311Request) -> dict:
    p: Petition = r.petition
    expected = ""
    if p.due_date and p.state not in CLOSED_STATES:
        end = dt.datetime.combine(p.due_date, dt.time(23, 59, 59), tzinfo=CHINA)
        expected = end.isoformat(timespec="seconds")
    return {
        "service_request_id": p.number,
        "status": "closed" if p.state in CLOSED_STATES else "open",
        "status_notes": str(State(p.state).label),
        "service_name": p.category.name,
        "service_code": p.category.code,
        "description": p.summary,
        "agency_responsible": p.responsible_unit.name if p.responsible_unit_id else "",
        "service_notice": "",
        "requested_datetime": _iso(p.registered_at),
        "updated_datetime": _iso(p.updated_at),
        "expected_datetime": expected,
        "address": r.address or (p.place.name if p.place_id else ""),
        "address_id": str(p.place_id or ""),
        "zipcode": "",
        "lat": str(r.lat) if r.lat is not None else "",
        "long": str(r.long) if r.long is not None else "",
        "media_url": "",
    }


def _date(value: str, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(field_errors={name: [_("Not a date and time (ISO 8601).")]}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


def find(params) -> list[Open311Request]:
    """GET requests with the standard filters: service_request_id (comma
    separated, the others ignored then), service_code, start_date, end_date,
    status; by default the last 90 days, at most 1000, newest first."""
    qs = published().order_by("-petition__registered_at")
    ids = [x.strip() for x in params.get("service_request_id", "").split(",") if x.strip()]
    if ids:
        return list(qs.filter(petition__number__in=ids[:LIST_LIMIT]))
    if params.get("service_code"):
        qs = qs.filter(petition__category__code=params["service_code"])
    start = _date(params.get("start_date", ""), "start_date")
    end = _date(params.get("end_date", ""), "end_date")
    if start is None and end is None:
        start = timezone.now() - dt.timedelta(days=LIST_DAYS)
    if start:
        qs = qs.filter(petition__registered_at__gte=start)
    if end:
        qs = qs.filter(petition__registered_at__lte=end)
    statuses = {x.strip() for x in params.get("status", "").split(",") if x.strip()}
    if statuses - {"open", "closed"}:
        raise InvalidInput(field_errors={"status": [_("open, closed, or both.")]})
    if statuses == {"open"}:
        qs = qs.exclude(petition__state__in=CLOSED_STATES)
    elif statuses == {"closed"}:
        qs = qs.filter(petition__state__in=CLOSED_STATES)
    return list(qs[:LIST_LIMIT])


def by_number(number: str) -> Open311Request | None:
    return published().filter(petition__number=number).first()


def by_token(token: str) -> Open311Request | None:
    try:
        token = uuid.UUID(token)
    except ValueError:
        return None
    return Open311Request.objects.select_related("petition").filter(token=token).first()
