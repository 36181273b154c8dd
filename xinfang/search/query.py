"""A query string → a match expression for the database's full-text index.

A query is words separated by spaces, all of which must match (AND). Each
word is widened, in this order:
1. synonyms: a word of a synonym group stands for the whole group (OR);
2. segmentation: each alternative is cut into jieba's words (precise mode),
   all of which must match;
3. parts: a long word also matches when a text has only its parts (拖欠工资 is
   found in "工资被拖欠": 拖欠 AND 工资), since a text may be segmented
   differently from the query.

`Expr` is that tree; `fts5()` renders it for SQLite FTS5 MATCH and
`tsquery()` for PostgreSQL's to_tsquery('simple', ...). Tokens are letters,
digits or ideographs only (segment.WORD), so quoting is safe by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import segment
from .models import Synonym

# More words than this in one query are ignored (a query is a few words).
MAX_QUERY_WORDS = 8


@dataclass
class Token:
    word: str
    parts: list[str] = field(default_factory=list)


@dataclass
class Expr:
    # AND over groups; OR over a group's alternatives; AND over an alternative's tokens.
    groups: list[list[list[Token]]]

    def __bool__(self) -> bool:
        return bool(self.groups)

    def words(self) -> list[str]:
        """Every word the expression may match (for highlighting), longest first."""
        found = {
            w
            for group in self.groups
            for alt in group
            for tok in alt
            for w in [tok.word, *tok.parts]
        }
        return sorted(found, key=lambda w: (-len(w), w))

    def key_words(self) -> list[str]:
        """The query's own words (first alternative of each group)."""
        return [tok.word for group in self.groups for tok in group[0]]


def synonym_groups() -> dict[str, list[str]]:
    """word → its group's words (each word of a group maps to the whole group)."""
    out: dict[str, list[str]] = {}
    for words in Synonym.objects.values_list("words", flat=True):
        group = Synonym.split(words)
        for w in group:
            out.setdefault(w, [])
            out[w].extend(x for x in group if x not in out[w])
    return out


def _tokens(text: str) -> list[Token]:
    return [Token(w, segment.parts(w)) for w in dict.fromkeys(segment.words(text))]


def parse(q: str) -> Expr:
    synonyms = synonym_groups()
    groups: list[list[list[Token]]] = []
    for raw in (q or "").split()[:MAX_QUERY_WORDS]:
        alternatives = [raw, *(w for w in synonyms.get(raw, []) if w != raw)]
        # A word inside the query that is a synonym (拖欠工资 in 公司拖欠工资) widens too.
        if len(alternatives) == 1:
            for word, group in synonyms.items():
                if word in raw and word != raw:
                    alternatives += [raw.replace(word, other) for other in group if other != word]
        group = [toks for toks in (_tokens(a) for a in dict.fromkeys(alternatives)) if toks]
        if group:
            groups.append(group)
    return Expr(groups)


def _render(expr: Expr, quote, AND: str, OR: str) -> str:
    def tok(t: Token) -> str:
        if not t.parts:
            return quote(t.word)
        inner = f" {AND} ".join(quote(p) for p in t.parts)
        return f"({quote(t.word)} {OR} ({inner}))"

    def alt(tokens: list[Token]) -> str:
        return "(" + f" {AND} ".join(tok(t) for t in tokens) + ")"

    return f" {AND} ".join(
        "(" + f" {OR} ".join(alt(a) for a in group) + ")" for group in expr.groups
    )


def fts5(expr: Expr) -> str:
    return _render(expr, lambda w: f'"{w}"', "AND", "OR")


def tsquery(expr: Expr) -> str:
    return _render(expr, lambda w: f"'{w}'", "&", "|")


def any_of(words: list[str]) -> Expr:
    """An expression matching any one of these words (candidates for similarity)."""
    return Expr([[[Token(w)] for w in words if segment.WORD.match(w)]])
