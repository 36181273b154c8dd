"""The staff pages of petition matters: input → access → service → response.

Every read goes through selectors and permissions (visibility: an outsider gets
404), every write through services. A domain error is answered in one place,
core.middleware.DomainErrorPagesMiddleware; a form's own errors are put on it by
core.forms.submit.

- registration: 登记 (also raised from another area's source);
- lists: the worklist, supervision, notifications;
- matter: one matter's page, its actions, files and notices;
- window: the reception window (search, the query code issued again, receipts).
"""

from ..timeline import staff_rows as _timeline  # noqa: F401  (the mediation area reads it)
from .lists import colour_settings, notifications, supervision, worklist
from .matter import (
    act,
    attachment,
    detail,
    draft_act,
    draft_create,
    draft_preview,
    export_dossier,
    notice,
    reveal,
)
from .registration import register
from .window import receipt, reissue
from .window import search as window

__all__ = [
    "act",
    "attachment",
    "colour_settings",
    "detail",
    "draft_act",
    "draft_create",
    "draft_preview",
    "export_dossier",
    "notice",
    "notifications",
    "receipt",
    "register",
    "reissue",
    "reveal",
    "supervision",
    "window",
    "worklist",
]
