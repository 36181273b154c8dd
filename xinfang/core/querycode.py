"""Query codes (查询码): what a petitioner is given at submission and, with nothing
else, uses to follow the public timeline of the matter (DOMAIN.md section 3).

The code is the only credential, so it must be unguessable: 13 symbols drawn by
`secrets` from a 31-symbol alphabet give 13 × log2(31) ≈ 64.4 bits. The alphabet
leaves out 0/O and 1/I/L so that the code survives being read aloud over the
phone or copied from a handwritten receipt."""

import secrets
import unicodedata

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 13

# Separators a person may type or paste between the groups: the grouping shown
# on the receipt, spaces, and the Chinese full stop / middle dot an input method
# gives. Full-width forms are folded to these by NFKC first.
_SEPARATORS = frozenset(" \t\r\n-_.·。・")
_ALPHABET_SET = frozenset(ALPHABET)


def new_query_code() -> str:
    """A fresh code in canonical form (13 symbols, upper case, no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_query_code(text: str) -> str | None:
    """The canonical code for what a person typed, or None if it cannot be one.

    Tolerates separators, lower case and full-width characters (NFKC); does not
    guess at the symbols left out of the alphabet (0, O, 1, I, L): a code with
    one of those was mistyped and is not silently turned into another code."""
    if not isinstance(text, str) or len(text) > 4 * LENGTH:
        return None
    folded = unicodedata.normalize("NFKC", text).upper()
    symbols = "".join(
        ch for ch in folded if ch not in _SEPARATORS and unicodedata.category(ch) != "Pd"
    )
    if len(symbols) != LENGTH or not set(symbols) <= _ALPHABET_SET:
        return None
    return symbols


def format_query_code(code: str) -> str:
    """The code as shown to people, in groups of 4-4-5: "ABCD-EFGH-JKMNP".

    Anything that is not a code is returned unchanged rather than raising, so
    that a bad stored value never breaks a page."""
    canonical = normalise_query_code(code)
    if canonical is None:
        return code
    return f"{canonical[:4]}-{canonical[4:8]}-{canonical[8:]}"
