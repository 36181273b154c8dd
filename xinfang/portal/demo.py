"""What `make run` tells about the public side (registered in apps.py into
orgs.registry.DEMO_LOGIN_LINES)."""

from __future__ import annotations

from xinfang.core.querycode import format_query_code
from xinfang.petitions.models import Petition, State


def demo_matter_line(url: str) -> str | None:
    """A demo matter's query code, to try the public tracking page and the terminal."""
    sample = Petition.objects.filter(state=State.ACCEPTED).order_by("pk").first()
    if sample is None:
        return None
    return (
        f"  A demo matter to track: {sample.number}, "
        f"query code {format_query_code(sample.query_code)}"
    )
