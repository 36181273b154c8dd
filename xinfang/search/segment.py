"""Chinese segmentation for the search index (jieba), with the office's own words.

- `index_tokens(text)`: the words of a text as the index keeps them: jieba's
  search mode, which gives a long word and the dictionary words inside it
  (拖欠工资 → 拖欠, 工资, 拖欠工资), so a query segmented one way finds a text
  segmented another.
- `words(text)`: the words in jieba's precise mode (queries, similarity).
- The user dictionary: every unit's name (and its short form without 镇/乡/村/
  街道/社区...), every category's name and every synonym, so 八台镇 and 欠薪 stay
  one word. It is loaded into the one tokenizer of the process on first use and
  again when units, categories or synonyms change (`dictionary_signature`).
"""

from __future__ import annotations

import logging
import re
import threading

import jieba
from django.db.models import Count, Max

from xinfang.core.memo import memoized
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Category

from .models import Synonym

jieba.setLogLevel(logging.WARNING)

# A token the index keeps: letters, digits or CJK ideographs, nothing else.
WORD = re.compile(r"^\w+$")
# Unit suffixes whose bare stem is a place name of its own (八台镇 → 八台).
UNIT_SUFFIXES = ("街道办事处", "街道", "社区", "镇", "乡", "村", "区", "县", "市")
# Words too common to carry meaning (the particles and pronouns of complaints).
STOPWORDS = frozenset(
    "的 了 和 与 及 或 在 是 我 我们 你 他 她 他们 这 那 有 也 就 都 而 被 把 对 向 从 给 "
    "为 以 于 之 其 又 并 等 将 已 已经 没有 不 要 请 还 所 该 多次 一个".split()
)

_lock = threading.Lock()
_state: dict = {"tokenizer": None, "signature": None}


@memoized(seconds=60)
def dictionary_signature() -> tuple:
    """What the user dictionary is built from, cheaply: counts and last ids. Read
    at most once a minute (core.memo), not on every save: a change of a unit, a
    category or a synonym forgets it at once in this process (apps.py)."""
    units = Unit.objects.aggregate(n=Count("pk"), m=Max("pk"))
    cats = Category.objects.aggregate(n=Count("pk"), m=Max("pk"))
    syns = Synonym.objects.aggregate(n=Count("pk"), m=Max("pk"))
    return (units["n"], units["m"], cats["n"], cats["m"], syns["n"], syns["m"])


def dictionary_words() -> set[str]:
    """The office's own words: unit names and their stems, categories, synonyms."""
    found: set[str] = set()
    for name in Unit.objects.values_list("name", flat=True):
        found.add(name)
        for suffix in UNIT_SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                found.add(name[: -len(suffix)])
                break
    for name in Category.objects.values_list("name", flat=True):
        # A category name may hold several words: 劳资纠纷/欠薪.
        found.update(part for part in re.split(r"[/、，,（）()\s]+", name) if part)
    for group in Synonym.objects.values_list("words", flat=True):
        found.update(Synonym.split(group))
    return {w for w in found if len(w) >= 2}


def tokenizer() -> jieba.Tokenizer:
    """The process's tokenizer with the current user dictionary."""
    signature = dictionary_signature()
    with _lock:
        tok = _state["tokenizer"]
        if tok is None:
            tok = jieba.Tokenizer()
            tok.initialize()
            _state["tokenizer"] = tok
        if _state["signature"] != signature:
            for word in sorted(dictionary_words()):
                # A high frequency keeps the word whole inside longer text.
                tok.add_word(word, freq=max(tok.suggest_freq(word, tune=False), 2000))
            _state["signature"] = signature
    return tok


def _clean(tokens) -> list[str]:
    return [t.lower() for t in tokens if WORD.match(t)]


def index_tokens(text: str) -> list[str]:
    """The tokens the index stores for a text (search mode: words and their parts)."""
    return _clean(tokenizer().cut_for_search(text or ""))


def words(text: str) -> list[str]:
    """The words of a text in precise mode (no stopwords): queries, similarity."""
    return [w for w in _clean(tokenizer().cut(text or "")) if w not in STOPWORDS]


def parts(word: str) -> list[str]:
    """Dictionary words that cover `word` end to end without overlapping, longest
    first from the left (拖欠工资 → 拖欠, 工资), or [] when they do not cover it: a
    text segmented into these parts holds the word too."""
    if len(word) < 3:
        return []
    inner = {w for w in _clean(tokenizer().cut_for_search(word)) if w != word and len(w) > 1}
    found, at = [], 0
    while at < len(word):
        step = next((w for w in sorted(inner, key=len, reverse=True) if word.startswith(w, at)), "")
        if not step:
            return []
        found.append(step)
        at += len(step)
    return found
