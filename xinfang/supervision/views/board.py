"""The supervision office's board (挂牌督办): every listed matter the user may
see, as cards by colour, with the counts per colour per unit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import permissions as policy
from .. import selectors


@login_required
def board(request):
    filters = selectors.read_filters(request.GET)
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
