"""Who may import ledgers: the administrator (系统管理员) only. Everyone else is
answered 404, never a hint that the pages exist."""

from __future__ import annotations

from xinfang.orgs.permissions import is_administrator


def may_import(user) -> bool:
    return is_administrator(user)
