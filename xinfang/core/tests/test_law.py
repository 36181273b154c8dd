"""One table of legal bases (core.law), and no citation of the superseded 2005
信访条例 left anywhere the product speaks (issue 10)."""

import re
from pathlib import Path

import pytest

from xinfang.core import calendar, law
from xinfang.petitions import workflow

ROOT = Path(__file__).resolve().parents[3]

# What a citation of the 2005 regulation looks like, in Chinese or in a comment.
OLD_CITATION = re.compile(r"《信访条例》|信访条例\s*\(2005\)|信访条例\s*(Art\.|第)")


def _files():
    for folder, patterns in {
        "xinfang": ("*.py",),
        "templates": ("*.html", "*.txt"),
        "static": ("*.js",),
        "locale": ("*.po",),
        "docs": ("*.md",),
    }.items():
        for pattern in patterns:
            for path in (ROOT / folder).rglob(pattern):
                # Migrations are history: 0006 seeded the old texts that 0008 replaces.
                if "migrations" in path.parts or path.name == "test_law.py":
                    continue
                yield path


def test_no_citation_of_the_2005_regulation_is_left():
    found = []
    for path in _files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OLD_CITATION.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not found, "\n".join(found)


def test_every_clock_cites_the_2022_regulation_or_a_named_local_rule():
    for clock, spec in calendar.CLOCKS.items():
        if spec.basis in law.BASES:
            assert spec.citation.startswith("《信访工作条例》第"), clock
        else:
            assert spec.basis == "本地交办规定" and clock == "sign", clock


def test_docs_clocks_lists_each_clock_with_its_article_and_paragraph():
    text = (ROOT / "docs" / "clocks.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in text.splitlines() if "| `" in line}
    for clock, spec in calendar.CLOCKS.items():
        if clock == "extension_max":
            continue  # the cap of `handle`, listed with it
        assert clock in rows, clock
        if spec.basis in law.BASES:
            assert spec.citation in rows[clock], (clock, spec.citation)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("forward", "《信访工作条例》第二十二条第一款"),
        ("return_objection", "《信访工作条例》第二十三条第三款"),
        ("representatives", "《信访工作条例》第二十条第二款"),
        ("accusation_confidential", "《信访工作条例》第三十条"),
        ("opinion", "《信访工作条例》第三十一条第（六）项、第三十二条"),
        ("handle_period", "《信访工作条例》第三十四条"),
        ("no_longer_accepted", "《信访工作条例》第三十六条第三款"),
        (
            "judicial_confirmation",
            "《中华人民共和国人民调解法》第三十三条，"
            "《中华人民共和国民事诉讼法》第二百零五条、第二百零六条",
        ),
    ],
)
def test_citations_are_written_as_chinese_law_is_cited(key, expected):
    assert law.cite(key) == expected


def test_every_route_of_a_refusal_has_its_basis():
    for route, keys in workflow.ROUTE_BASES.items():
        assert keys and all(k in law.BASES for k in keys), route


def test_chinese_numerals():
    assert [law.chinese_number(n) for n in (1, 10, 12, 20, 36, 100, 105, 206)] == [
        "一",
        "十",
        "十二",
        "二十",
        "三十六",
        "一百",
        "一百零五",
        "二百零六",
    ]
