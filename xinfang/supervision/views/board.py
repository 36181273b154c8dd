"""The supervision office's board (挂牌督办): every listed matter the user may
see, as cards by colour, with the counts per colour per unit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from xinfang.core.inputs import optional_id

from .. import permissions as policy
from .. import selectors

KINDS = ("petition", "dispute")


def read_filters(params) -> dict:
    """The board's filters from the query string; an unknown value is ignored, a
    malformed unit id is a 400 naming the field (core.inputs)."""
    colour = params.get("colour")
    kind = params.get("kind")
    return {
        "colour": colour if colour in selectors.COLOURS else "",
        "unit": optional_id(params.get("unit"), "unit"),
        "kind": kind if kind in KINDS else "",
        "state": "delisted" if params.get("state") == "delisted" else "",
    }


@login_required
def board(request):
    filters = read_filters(request.GET)
    result = selectors.board(user=request.user, filters=filters)
    return render(
        request,
        "supervision/board.html",
        {
            "board": result,
            "filters": filters,
            "colours": selectors.COLOURS,
            "may_list": policy.is_supervisor(request.user),
        },
    )
