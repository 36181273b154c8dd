"""Chinese is the default language: every message has its Chinese translation."""

import io
import re
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[3] / "locale"


def test_every_message_is_translated_into_chinese():
    with open(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po", "rb") as f:
        catalog = read_po(f, locale="zh_Hans")
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, untranslated[:10]
    assert not fuzzy, fuzzy[:10]
    assert len(catalog) > 400


def test_placeholders_survive_translation():
    import re

    with open(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po", "rb") as f:
        catalog = read_po(f, locale="zh_Hans")
    # Any conversion with its flags and width: %(n)s, %(count)d, %(month)02d, %(pct).1f.
    pattern = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdif]")
    for m in catalog:
        if not m.id:
            continue
        source = m.id if isinstance(m.id, str) else m.id[0]
        target = m.string if isinstance(m.string, str) else m.string[0]
        assert set(pattern.findall(source)) == set(pattern.findall(target)), source


# Chinese text takes full-width punctuation: "依据：", "（专职 3 名）", "，". An ASCII
# colon, bracket or comma next to a Chinese character is a slip -- but not the
# brackets of a placeholder (%(name)s), nor what is inside a URL or a code.
_HAN = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_NOT_TEXT = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{[\w.]*\}|https?://\S+")
_ASCII_NEXT_TO_CHINESE = re.compile(rf"{_HAN}\s*[:(),]|[:(),]\s*{_HAN}")


def ascii_punctuation_in_chinese(text: str) -> list[str]:
    plain = _NOT_TEXT.sub("\x00", text)
    return [
        plain[max(m.start() - 6, 0) : m.end() + 6] for m in _ASCII_NEXT_TO_CHINESE.finditer(plain)
    ]


def compiled_chinese_catalogue():
    """The zh_Hans catalogue compiled as `pybabel compile` does, and read back."""
    from babel.messages.mofile import read_mo, write_mo

    with open(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po", "rb") as f:
        catalog = read_po(f, locale="zh_Hans")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return read_mo(buffer)


def test_the_checker_finds_ascii_punctuation_in_chinese_and_spares_placeholders():
    assert ascii_punctuation_in_chinese("依据:%(basis)s") == ["依据:\x00"]
    assert ascii_punctuation_in_chinese("已受理 (%(unit)s)")
    assert ascii_punctuation_in_chinese("张三,李四")
    assert ascii_punctuation_in_chinese("%(unit)s已受理") == []
    assert ascii_punctuation_in_chinese("依据：%(basis)s（见 https://example.cn/a,b）") == []
    assert ascii_punctuation_in_chinese("Basis: (see)") == []


def test_chinese_translations_use_full_width_colons_brackets_and_commas():
    found = {}
    for message in compiled_chinese_catalogue():
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for text in strings:
            if slips := ascii_punctuation_in_chinese(text or ""):
                found[message.id if isinstance(message.id, str) else message.id[0]] = slips
    assert found == {}
