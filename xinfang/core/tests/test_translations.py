"""Chinese is the default language: every message has its Chinese translation."""

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
    pattern = re.compile(r"%\((\w+)\)[sd]")
    for m in catalog:
        if not m.id:
            continue
        source = m.id if isinstance(m.id, str) else m.id[0]
        target = m.string if isinstance(m.string, str) else m.string[0]
        assert set(pattern.findall(source)) == set(pattern.findall(target)), source
