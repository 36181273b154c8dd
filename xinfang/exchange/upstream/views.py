"""The signed endpoint peers post their messages to, and the administrator's
page of the exchange."""

from __future__ import annotations

import json

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from xinfang.core.api import json_error
from xinfang.core.exceptions import DomainError
from xinfang.orgs.permissions import is_administrator

from ..models import ExchangeMessage
from . import inbound, outbound, selectors, signing


@csrf_exempt
@require_POST
def receive(request):
    """POST /exchange/upstream/v1/messages/: one message, signed (signing.py).
    401 when not authentic (nothing kept), 400 when not JSON, 422 when the
    content is refused (nothing kept), 200 with {"status": "accepted" |
    "duplicate", "message_id", "number"} when kept now or before."""
    try:
        body = request.body
    except RequestDataTooBig:
        # A body of another content type than JSON, past Django's limit: not a
        # page of HTML (nor a log of a "suspicious" request), a JSON refusal.
        return json_error(413, detail=_("The message is too large."), code="too_large")
    try:
        signed = signing.verify(
            method=request.method,
            path=request.path,
            query=request.META.get("QUERY_STRING", ""),
            body=body,
            meta=request.headers,
        )
    except signing.Refused as exc:
        return json_error(401, detail=exc.message, code=exc.code)
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        # RecursionError: JSON nested deeper than the parser goes.
        return json_error(400, detail=_("The body is not JSON."), code="not_json")
    try:
        outcome = _receive(signed, message)
    except signing.Refused as exc:
        return json_error(401, detail=exc.message, code=exc.code)
    except DomainError as exc:
        return JsonResponse(
            {"detail": str(exc.message), "code": "refused", "fields": _strings(exc)},
            status=422,
            json_dumps_params={"ensure_ascii": False},
        )
    return JsonResponse(outcome.as_json(), json_dumps_params={"ensure_ascii": False})


def _receive(signed: signing.Signed, message) -> inbound.Outcome:
    with transaction.atomic():
        signing.remember(signed)  # the nonce is spent only with what it brought
        return inbound.receive(peer=signed.peer, message=message, via="https")


def _strings(exc: DomainError) -> dict:
    return {k: [str(x) for x in v] for k, v in exc.field_errors.items()}


def _administrator_only(request) -> None:
    if not is_administrator(request.user):
        raise Http404


@login_required
def overview(request):
    """The administrator's page: peers, the outbox with each message's state, the
    receipts and the delivery lag. Everyone else: 404."""
    _administrator_only(request)
    state = request.GET.get("state", "")
    context = {
        "peers": selectors.peers(),
        "outbox": selectors.outbox(state=state),
        "inbox": selectors.inbox(),
        "lag": selectors.lag(),
        "states": ExchangeMessage.State.choices,
        "state": state,
    }
    return render(request, "exchange/upstream.html", context)


@login_required
@require_POST
def retry(request, pk):
    _administrator_only(request)
    message = get_object_or_404(ExchangeMessage.objects.select_related("peer"), pk=pk)
    if message.state == ExchangeMessage.State.FAILED:
        outbound.retry(message)
        flash.success(request, _("The message will be sent again."))
    else:
        flash.info(request, _("Only a message that failed for good can be sent again."))
    return redirect("exchange_upstream:overview")
