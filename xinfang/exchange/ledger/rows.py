"""One ledger row: read through the column mapping, checked, and turned into the
owning area's terms (petitions.services.HistoricalMatter, mediation's
HistoricalDispute); or refused with a translated reason.

The lookups of units and categories are loaded once per run (a few thousand
rows at most), not queried per row."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from xinfang.core.crypto import blind_index
from xinfang.core.pii import validate_id_number, validate_phone
from xinfang.mediation import services as mediation_services
from xinfang.mediation.models import DisputeType
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import Unit, UnitKind
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Category, Channel, Outcome, Purpose

from ..models.ledger import LedgerKind
from .fields import fields_of


class RowRejected(Exception):
    """The row is not imported; `reason` says why (translated)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# Labels in ledgers → our codes. Longer labels first where one contains another
# (不予支持 contains 支持).
CHANNELS = {
    "来信": Channel.LETTER,
    "信件": Channel.LETTER,
    "来访": Channel.VISIT,
    "走访": Channel.VISIT,
    "个人来访": Channel.VISIT,
    "集体来访": Channel.VISIT,
    "网上信访": Channel.ONLINE,
    "网上": Channel.ONLINE,
    "网信": Channel.ONLINE,
    "手机信访": Channel.MOBILE,
    "手机": Channel.MOBILE,
    "微信": Channel.WECHAT,
    "电话": Channel.PHONE,
    "来电": Channel.PHONE,
    "书记市长信箱": Channel.MAILBOX,
    "市长信箱": Channel.MAILBOX,
    "信箱": Channel.MAILBOX,
}
PURPOSES = {
    "建议意见": Purpose.SUGGESTION,
    "意见建议": Purpose.SUGGESTION,
    "建议": Purpose.SUGGESTION,
    "检举控告": Purpose.ACCUSATION,
    "揭发控告": Purpose.ACCUSATION,
    "检举": Purpose.ACCUSATION,
    "控告": Purpose.ACCUSATION,
    "申诉求决": Purpose.APPEAL,
    "求决": Purpose.APPEAL,
    "申诉": Purpose.APPEAL,
    "其他": Purpose.APPEAL,
}
OUTCOMES = [
    ("不予支持", Outcome.REJECT),
    ("不支持", Outcome.REJECT),
    ("支持", Outcome.SUPPORT),
    ("解释", Outcome.EXPLAIN),
    ("说明", Outcome.EXPLAIN),
]
DISPUTE_TYPES = {
    "交通事故": DisputeType.TRAFFIC,
    "交通": DisputeType.TRAFFIC,
    "医疗纠纷": DisputeType.MEDICAL,
    "医疗": DisputeType.MEDICAL,
    "环境污染": DisputeType.ENVIRONMENT,
    "环保": DisputeType.ENVIRONMENT,
    "土地": DisputeType.LAND,
    "土地纠纷": DisputeType.LAND,
    "宅基地": DisputeType.LAND,
    "教育": DisputeType.EDUCATION,
    "消费": DisputeType.CONSUMER,
    "消费纠纷": DisputeType.CONSUMER,
    "劳动": DisputeType.LABOR,
    "劳资纠纷": DisputeType.LABOR,
    "劳动争议": DisputeType.LABOR,
    "物业": DisputeType.PROPERTY,
    "物业纠纷": DisputeType.PROPERTY,
    "婚姻家庭": DisputeType.FAMILY,
    "家庭": DisputeType.FAMILY,
    "邻里纠纷": DisputeType.NEIGHBOUR,
    "邻里": DisputeType.NEIGHBOUR,
    "合同": DisputeType.DEBT,
    "债务": DisputeType.DEBT,
    "合同债务": DisputeType.DEBT,
    "损害赔偿": DisputeType.DAMAGE,
    "其他": DisputeType.OTHER,
}
DISPUTE_RESULTS = [
    ("调解不成", "failed"),
    ("未成功", "failed"),
    ("失败", "failed"),
    ("撤回", "withdrawn"),
    ("撤销", "withdrawn"),
    ("成功", "settled"),
    ("达成", "settled"),
    ("化解", "settled"),
]

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_PATH = re.compile(r"\s*[/／>＞\\|、-]\s*")


def _key(value: str) -> str:
    return "".join(str(value).split())


def _s(value) -> str:
    """A cell as text (an Excel number that is whole loses its ".0")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_date(value, label) -> dt.date:
    """An Excel date cell, an Excel day number, or 2016-03-05, 2016/3/5,
    2016.3.5, 2016年3月5日, 20160305 (a time after the date is let go)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and 10000 < value < 80000:
        return from_excel(value).date()
    text = _s(value)
    m = _DATE.match(text) or _COMPACT_DATE.match(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise RowRejected(
        _("%(field)s: “%(value)s” is not a date (e.g. 2016-03-05, 2016/3/5 or 2016年3月5日).")
        % {"field": label, "value": text[:40]}
    )


@dataclass
class Lookups:
    """Units (within the administrator's reach) and categories by name and code."""

    units: dict[int, Unit]
    unit_keys: dict[str, list[int]]
    categories: dict[int, Category]
    category_keys: dict[str, list[int]]

    @classmethod
    def load(cls, actor) -> Lookups:
        units = {u.pk: u for u in org_permissions.visible_units(actor).filter(is_active=True)}
        unit_keys: dict[str, list[int]] = {}
        for u in units.values():
            for k in {u.code, u.name, u.short_name, u.formal_name}:
                if k:
                    unit_keys.setdefault(_key(k), []).append(u.pk)
        categories = {c.pk: c for c in Category.objects.filter(is_active=True)}
        category_keys: dict[str, list[int]] = {}
        for c in categories.values():
            _index(category_keys, c.pk, c.code, c.name)
        return cls(units, unit_keys, categories, category_keys)

    def unit(self, text: str, label) -> Unit:
        """A unit by code or name; "township/village" (or 尹集镇-东村) settles a name
        that several units carry."""
        ids = _resolve(text, self.unit_keys, self.units)
        if len(ids) == 1:
            return self.units[ids[0]]
        if not ids:
            raise RowRejected(
                _("%(field)s: no unit “%(value)s” within your units.")
                % {"field": label, "value": text[:60]}
            )
        raise RowRejected(
            _("%(field)s: several units are called “%(value)s”; write it as township/village.")
            % {"field": label, "value": text[:60]}
        )

    def category(self, text: str, label) -> Category:
        """A category by code or name, "first level/second level" where the second
        level's name is not unique; a name met at both levels means the second."""
        ids = _resolve(text, self.category_keys, self.categories)
        if len(ids) > 1:
            ids = [i for i in ids if self.categories[i].parent_id is not None] or ids
        if len(ids) != 1:
            raise RowRejected(
                _("%(field)s: no single category “%(value)s”.")
                % {"field": label, "value": text[:60]}
            )
        return self.categories[ids[0]]


def _index(keys: dict[str, list[int]], pk: int, *names: str) -> None:
    """Each name, and each part of a name that has parts ("劳资纠纷/欠薪")."""
    found = set()
    for name in names:
        if not name:
            continue
        found.add(_key(name))
        found.update(_key(p) for p in _PATH.split(name) if p)
    for k in found:
        keys.setdefault(k, []).append(pk)


def _resolve(text: str, keys: dict[str, list[int]], objects: dict) -> list[int]:
    """Ids named by `text`: the whole text as a name or code; else split at a
    separator into the parent's name and the child's (each split tried)."""
    ids = keys.get(_key(text), [])
    if len(ids) == 1:
        return ids
    for m in _PATH.finditer(text):
        above = set(keys.get(_key(text[: m.start()]), []))
        below = keys.get(_key(text[m.end() :]), [])
        narrowed = [i for i in below if objects[i].parent_id in above]
        if narrowed:
            return narrowed
    return ids


class RowReader:
    """Reads one kind's rows through a mapping {field: header}."""

    def __init__(self, *, kind: str, source: str, headers: list[str], columns: dict, lookups):
        self.kind = kind
        self.source = source
        self.lookups = lookups
        position = {h: i for i, h in reversed(list(enumerate(headers)))}
        self.index = {f: position[h] for f, h in columns.items() if h in position}
        self.labels = {f.name: str(f.label) for f in fields_of(kind)}

    def _get(self, values, name):
        i = self.index.get(name)
        return None if i is None else values[i]

    def text(self, values, name) -> str:
        return _s(self._get(values, name))

    def natural_key(self, values) -> str:
        """The row's natural key: the ledger's own number when the mapping has one
        and the row fills it, else the row's mapped values. Keyed hash (core.crypto):
        the key stands for personal data and must not be reversible."""
        number = self.text(values, "number")
        if number:
            basis = f"{self.kind}|{self.source}|n|{number}"
        else:
            basis = f"{self.kind}|{self.source}|v|" + json.dumps(
                {f: self.text(values, f) for f in sorted(self.index)}, ensure_ascii=False
            )
        return blind_index("ledger-row", basis)

    def required(self, values, name) -> str:
        value = self.text(values, name)
        if not value:
            raise RowRejected(_("%(field)s is empty.") % {"field": self.labels[name]})
        return value

    def person(self, values) -> dict:
        raw_id = self._get(values, "id_number")
        if isinstance(raw_id, float) and raw_id > 1e15:
            # Excel stored the number as a number and kept 15 digits of 18.
            raise RowRejected(
                _(
                    "ID number: Excel kept it as a number and lost its last digits; format the column as text."
                )
            )
        person = {
            "name": self.required(values, "name"),
            "id_number": self.text(values, "id_number"),
            "phone": self.text(values, "phone"),
            "address": self.text(values, "address"),
        }
        for key, check in (("id_number", validate_id_number), ("phone", validate_phone)):
            if person[key]:
                try:
                    person[key] = check(person[key])
                except ValidationError as exc:
                    raise RowRejected(
                        "%s: %s" % (self.labels[key], " ".join(exc.messages))  # noqa: UP031
                    ) from None
        return person

    def date(self, values, name, *, required: bool):
        raw = self._get(values, name)
        if raw is None or _s(raw) == "":
            if required:
                raise RowRejected(_("%(field)s is empty.") % {"field": self.labels[name]})
            return None
        return parse_date(raw, self.labels[name])

    def place(self, values) -> Unit:
        text = self.text(values, "place")
        if text:
            unit = self.lookups.unit(text, self.labels["place"])
            if unit.kind != UnitKind.TERRITORIAL:
                raise RowRejected(
                    _("%(field)s: “%(value)s” is not a township or village.")
                    % {"field": self.labels["place"], "value": text[:60]}
                )
            return unit
        unit_text = self.text(values, "responsible_unit")
        if unit_text:
            # No place column: the territory of the responsible unit.
            unit = self.lookups.unit(unit_text, self.labels.get("responsible_unit", ""))
            while unit is not None and unit.kind != UnitKind.TERRITORIAL:
                unit = self.lookups.units.get(unit.parent_id)
            if unit is not None:
                return unit
        raise RowRejected(_("Give the place of the problem or the responsible unit."))

    def choice(self, values, name, table: dict, default):
        text = self.text(values, name)
        if not text:
            return default
        k = _key(text)
        code = table.get(k) or table.get(k.removesuffix("纠纷"))
        if code is None and k in set(table.values()):
            code = k  # the code itself (letter, visit, ...)
        if code is None:
            raise RowRejected(
                _("%(field)s: “%(value)s” is not known.")
                % {"field": self.labels[name], "value": text[:40]}
            )
        return code

    def count(self, values) -> int:
        text = self.text(values, "people_count")
        if not text:
            return 1
        try:
            n = int(float(text))
        except ValueError:
            n = 0
        if n < 1:
            raise RowRejected(
                _("%(field)s: “%(value)s” is not a number of people.")
                % {"field": self.labels["people_count"], "value": text[:20]}
            )
        return n

    # --- per kind ------------------------------------------------------------------

    def petition(self, values) -> petition_services.HistoricalMatter:
        person = self.person(values)
        received_on = self.date(values, "received_on", required=True)
        result = self.text(values, "result")
        unit_text = self.text(values, "responsible_unit")
        return petition_services.HistoricalMatter(
            received_on=received_on,
            concluded_on=self.date(values, "concluded_on", required=False),
            category=self.lookups.category(
                self.required(values, "category"), self.labels["category"]
            ),
            place=self.place(values),
            responsible_unit=(
                self.lookups.unit(unit_text, self.labels["responsible_unit"]) if unit_text else None
            ),
            summary=self.text(values, "summary"),
            content=self.required(values, "content"),
            channel=self.choice(values, "channel", CHANNELS, Channel.VISIT),
            purpose=self.choice(values, "purpose", PURPOSES, Purpose.APPEAL),
            people_count=self.count(values),
            petitioners=[person],
            outcome=next((code for label, code in OUTCOMES if label in result), ""),
            result=result,
            ledger_number=self.text(values, "number"),
        )

    def dispute(self, values) -> mediation_services.HistoricalDispute:
        person = self.person(values)
        parties = [{**person, "role": "applicant"}]
        respondent = self.text(values, "respondent")
        if respondent:
            parties.append({"name": respondent, "role": "respondent"})
        result = self.text(values, "result")
        return mediation_services.HistoricalDispute(
            received_on=self.date(values, "received_on", required=True),
            concluded_on=self.date(values, "concluded_on", required=False),
            type=self.choice(values, "type", DISPUTE_TYPES, DisputeType.OTHER),
            place=self.place(values),
            summary=self.text(values, "summary"),
            details=self.required(values, "content"),
            parties=parties,
            outcome=next((code for label, code in DISPUTE_RESULTS if label in result), "settled"),
            result=result,
            ledger_number=self.text(values, "number"),
        )

    def matter(self, values):
        return self.petition(values) if self.kind == LedgerKind.PETITIONS else self.dispute(values)
