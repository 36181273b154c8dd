"""Group signals (集体访 early warning, issue 16): several matters about the same
employer, project or place in a short time, surfaced as one cluster with its
members.

The rule (docs/search.md explains it to the office):
- the matters considered are those the user may see (the lists' visibility: an
  accusation is never shown, nor counted, to the unit it accuses), not merged
  into another, received in the last `XINFANG_CLUSTER_DAYS` days (30);
- a matter's subjects are (a) the names of employers, projects and places its
  summary and content name: a word ending in one of SUFFIXES (公司, 厂, 项目,
  工地, 小区, 楼盘, 医院, 养殖场, ...) with the nouns before it (宏达建筑公司),
  found with jieba's part-of-speech tagger over the search user dictionary; and
  (b) its place (the village or street unit) together with its category;
- a subject named by at least `XINFANG_CLUSTER_MIN_MATTERS` matters (3) is a
  cluster; a matter may belong to several. Largest clusters first, then the
  most recent.
Computed on demand (a page and /api/v1/search/clusters): a month of an office's
matters is a few hundred rows, and a matter's subjects are remembered by text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import jieba.posseg
from django.conf import settings
from django.urls import reverse

from xinfang.core import calendar
from xinfang.petitions import permissions as petition_permissions
from xinfang.petitions.models import Petition

from . import segment

SUFFIXES = (
    "公司",
    "集团",
    "厂",
    "项目",
    "工程",
    "工地",
    "小区",
    "花园",
    "楼盘",
    "医院",
    "学校",
    "养殖场",
    "合作社",
    "市场",
    "矿",
)
NOUNISH = ("n", "nr", "ns", "nt", "nz", "ng", "j", "nrt", "nrfg")
MAX_MATTERS = 5000  # the most recent matters read; a month of a county is far fewer


def days() -> int:
    return int(getattr(settings, "XINFANG_CLUSTER_DAYS", 30))


def min_matters() -> int:
    return int(getattr(settings, "XINFANG_CLUSTER_MIN_MATTERS", 3))


@lru_cache(maxsize=20000)
def names_in(text: str) -> tuple[str, ...]:
    """Employers, projects and places named in a text (宏达建筑公司, 永丰小区)."""
    tagged = list(jieba.posseg.POSTokenizer(segment.tokenizer()).cut(text or ""))
    found: list[str] = []
    used = -1
    for i, (word, flag) in enumerate(tagged):
        if not word.endswith(SUFFIXES):
            continue
        parts, j = [word], i - 1
        while j > used and len(parts) < 4 and tagged[j].flag in NOUNISH:
            if sum(len(p) for p in parts) + len(tagged[j].word) > 12:
                break
            parts.insert(0, tagged[j].word)
            j -= 1
        name = "".join(parts)
        if len(parts) > 1 or (len(word) >= 4 and flag in NOUNISH):
            if len(name) >= 4 and name not in found:
                found.append(name)
            used = i
    return tuple(found)


@dataclass
class Cluster:
    kind: str  # "name" or "place"
    label: str
    members: list[Petition] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def latest(self) -> dt.date:
        return max(p.received_on for p in self.members)


def clusters(user, *, today: dt.date | None = None) -> list[Cluster]:
    """The clusters among the matters `user` may see (see the module's rule)."""
    since = (today or calendar.today()) - dt.timedelta(days=days())
    rows = (
        petition_permissions.visible(user)
        .filter(received_on__gte=since, merged_into__isnull=True)
        .select_related("place", "category")
        .order_by("-received_on", "-pk")[:MAX_MATTERS]
    )
    found: dict[tuple, Cluster] = {}
    for p in rows:
        for name in names_in(f"{p.summary}\n{p.content}"):
            found.setdefault(("name", name), Cluster("name", name)).members.append(p)
        if p.place_id and p.category_id:
            key = ("place", p.place_id, p.category_id)
            label = f"{p.place.name} · {p.category.name}"
            found.setdefault(key, Cluster("place", label)).members.append(p)
    out = [c for c in found.values() if c.size >= min_matters()]
    out.sort(key=lambda c: (-c.size, -c.latest.toordinal(), c.label))
    return out


def as_json(items: list[Cluster]) -> list[dict]:
    return [
        {
            "kind": c.kind,
            "label": c.label,
            "size": c.size,
            "latest": c.latest.isoformat(),
            "members": [
                {
                    "id": p.pk,
                    "number": p.number,
                    "summary": p.summary,
                    "state": p.get_state_display(),
                    "received_on": p.received_on.isoformat(),
                    "url": reverse("petitions:detail", args=[p.pk]),
                }
                for p in c.members
            ],
        }
        for c in items
    ]
