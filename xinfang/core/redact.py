"""Logs without credentials or personal data: a logging filter that masks query
codes, ID numbers and phone numbers in every line, whoever wrote it.

The query code is the petitioner's only credential and never goes into a URL
any more, but a log line can still carry one (an old client's request line, an
exception's message, a SQL parameter at DEBUG level), and logs travel further
than the database: to log collectors, support tickets, backups. Settings put
`RedactingFilter` on every handler (LOGGING), and `config/gunicorn.py` on
gunicorn's access and error logs."""

import copy
import logging
import re

# Imported while logging is configured, before the app registry is ready: so
# nothing here may import models (core.pii does).
from . import querycode

# A query code as written anywhere: its 13 symbols, maybe in the receipt's
# 4-4-5 groups with a dash, space, "%20", "+" or "_" between them, any case.
_SYMBOL = "[" + re.escape(querycode.ALPHABET) + "]"
_SEP = r"(?:-|\s|%20|\+|_)?"
QUERY_CODE_RE = re.compile(
    rf"(?<![0-9A-Za-z]){_SYMBOL}{{4}}{_SEP}{_SYMBOL}{{4}}{_SEP}{_SYMBOL}{{5}}(?![0-9A-Za-z])",
    re.IGNORECASE,
)
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![0-9])(?:\+?86)?1[3-9]\d{9}(?![0-9])")
LANDLINE_RE = re.compile(r"(?<![0-9])0(?:10|2\d|[3-9]\d\d)-?[2-9]\d{6,7}(?![0-9])")

QUERY_CODE_MASK = "[query code]"
ID_NUMBER_MASK = "[ID number]"
PHONE_MASK = "[phone]"


def redact(text: str) -> str:
    """`text` with every query code, ID number and phone number replaced by a
    placeholder (in a log, even the masked forms of the pages say too much)."""
    text = ID_NUMBER_RE.sub(ID_NUMBER_MASK, text)
    text = MOBILE_RE.sub(PHONE_MASK, text)
    text = LANDLINE_RE.sub(PHONE_MASK, text)
    return QUERY_CODE_RE.sub(QUERY_CODE_MASK, text)


class RedactingFilter(logging.Filter):
    """Hands its handler a redacted copy of each record (message and traceback);
    drops nothing.

    On a handler, it sees every record the handler writes, including those
    propagated from other loggers (a logger's own filters would not). A copy,
    not the record itself, so that another handler of the same logger (a test's
    capture) is not changed behind its back."""

    def filter(self, record: logging.LogRecord) -> logging.LogRecord | bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the formatter's error
            return True
        clean = copy.copy(record)
        clean.msg, clean.args = redact(message), None
        if record.exc_info:
            clean.exc_text = redact(
                record.exc_text or logging.Formatter().formatException(record.exc_info)
            )
            # The formatter would format the traceback again from exc_info
            # only when exc_text is empty; keep it from seeing the original.
            clean.exc_info = None
        elif record.exc_text:
            clean.exc_text = redact(record.exc_text)
        if record.stack_info:
            clean.stack_info = redact(record.stack_info)
        return clean
