"""Pages of backlog campaigns (信访积案攻坚) and their weekly bulletins (每周通报).
Thin: parse → core.forms.submit(service) → redirect, or the page again with the
outcome's status; NotFound and PermissionDenied go to DomainErrorPagesMiddleware."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from xinfang.core import calendar, idempotency
from xinfang.core.exceptions import NotFound, PermissionDenied
from xinfang.core.forms import say_why_if_hidden, submit, submit_once

from .. import bulletins, services
from ..forms.campaigns import ACTION_FORMS, AssignForm, CampaignForm, ConfirmForm
from ..models import CampaignState, MatterStatus
from ..permissions import campaigns as policy
from ..selectors import campaigns as selectors
from ..workflow import CAMPAIGN, CAMPAIGNS
from . import posted_version

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def campaign_list(request):
    return render(
        request,
        "leadership/campaign_list.html",
        {
            "campaigns": selectors.campaigns_visible(request.user),
            "may_create": policy.offices_to_run(request.user).exists(),
        },
    )


@login_required
def campaign_new(request):
    if not policy.offices_to_run(request.user).exists():
        raise PermissionDenied()
    form = CampaignForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = dict(form.cleaned_data)
            key = idempotency.scoped(
                idempotency.user_scope(request.user), fields.pop("idempotency_key")
            )
            fingerprint = idempotency.fingerprint({**fields, "office": fields["office"].pk})

            def create():
                return services.campaign_replay(
                    actor=request.user, idempotency_key=key, fingerprint=fingerprint
                ) or services.campaign_create(
                    actor=request.user,
                    idempotency_key=key,
                    idempotency_fingerprint=fingerprint,
                    **fields,
                )

            outcome = submit_once(form, create, token_field="idempotency_key")
            if outcome.ok:
                return redirect("leadership:campaign", outcome.result.pk)
            status = outcome.status
        else:
            status = 400
    return render(request, "leadership/campaign_new.html", {"form": form}, status=status)


def _week_figures(campaign):
    """This week's figures as they stand (not issued: a preview)."""
    if campaign.state not in (CampaignState.RUNNING, CampaignState.CLOSED):
        return None
    today = calendar.today()
    year, week = bulletins.week_of(min(today, campaign.ends_on))
    return bulletins.figures(campaign, year=year, week=week, today=today)


def _render(request, campaign, *, bound=None, status=200):
    allowed = {t.name for t in CAMPAIGN.allowed(request.user, campaign)}
    say_why_if_hidden(request, bound, allowed)
    matters = selectors.matters_of(campaign)
    proposed = [m for m in matters if m.status == MatterStatus.PROPOSED]
    forms = {}
    for name in ("propose", "close", "issue_bulletin"):
        if name in allowed:
            forms[name] = bound if bound is not None and bound.prefix == name else None
            forms[name] = forms[name] or ACTION_FORMS[name](prefix=name)
    if "confirm" in allowed:
        forms["confirm"] = (
            bound
            if bound is not None and bound.prefix == "confirm"
            else ConfirmForm(prefix="confirm", matters=proposed)
        )
    figures = _week_figures(campaign)
    return render(
        request,
        "leadership/campaign_detail.html",
        {
            "campaign": campaign,
            "state_label": CampaignState(campaign.state).label,
            "rules": campaign.rules(),
            "proposed": proposed,
            "listed": [m for m in matters if m.status == MatterStatus.KEPT],
            "dropped": [m for m in matters if m.status == MatterStatus.DROPPED],
            "moves": [(CAMPAIGNS[n].label, n, forms[n]) for n in forms],
            "may_assign": "assign" in allowed,
            "may_confirm": "confirm" in allowed,
            "figures": figures,
            "chart": bulletins.progress_svg(figures["progress"]) if figures else "",
            "bulletins": selectors.bulletins_of(campaign),
            "events": selectors.timeline(campaign),
        },
        status=status,
    )


@login_required
def campaign_detail(request, pk):
    return _render(request, selectors.campaign_get(user=request.user, pk=pk))


@login_required
@require_POST
def campaign_act(request, pk, action):
    campaign = selectors.campaign_get(user=request.user, pk=pk)  # 404 before anything else
    if action == "confirm":
        form = ConfirmForm(
            request.POST,
            prefix="confirm",
            matters=[
                m for m in selectors.matters_of(campaign) if m.status == MatterStatus.PROPOSED
            ],
        )
    elif action in ACTION_FORMS:
        form = ACTION_FORMS[action](request.POST, prefix=action)
    else:
        raise NotFound()
    if not form.is_valid():
        return _render(request, campaign, bound=form, status=400)
    fields = dict(form.cleaned_data)
    outcome = submit(
        form,
        lambda: CAMPAIGN.run(
            action,
            actor=request.user,
            campaign_id=campaign.pk,
            version=posted_version(request, campaign.version),
            **fields,
        ),
    )
    if outcome.ok:
        return redirect("leadership:campaign", campaign.pk)
    return _render(request, campaign, bound=form, status=outcome.status)


@login_required
def campaign_assign(request, pk, matter_pk):
    """Give a listed matter an owning leader and a plan (一案一策), from the campaign."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    m = next(
        (m for m in selectors.matters_of(campaign, status=MatterStatus.KEPT) if m.pk == matter_pk),
        None,
    )
    if m is None:
        raise NotFound()
    if m.plan_id is not None:
        return redirect("leadership:plan", m.plan_id)
    form = AssignForm(request.POST or None, petition=m.petition, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            outcome = submit(
                form,
                lambda: services.campaign_assign(
                    actor=request.user,
                    campaign_id=campaign.pk,
                    version=posted_version(request, campaign.version),
                    matter=m.pk,
                    **form.cleaned_data,
                ),
            )
            if outcome.ok:
                return redirect("leadership:campaign", campaign.pk)
            status = outcome.status
        else:
            status = 400
    return render(
        request,
        "leadership/campaign_assign.html",
        {"campaign": campaign, "m": m, "p": m.petition, "form": form},
        status=status,
    )


@login_required
def bulletin_detail(request, pk):
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    return render(
        request,
        "leadership/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "figures": bulletin.figures,
            "chart": bulletins.progress_svg(bulletin.figures["progress"]),
        },
    )


@login_required
def bulletin_pdf(request, pk):
    """The printable A4 PDF. No font for Chinese is a FontUnavailable (503), answered
    by the error boundary."""
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    response = HttpResponse(bulletins.pdf(bulletin), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"bulletin-{bulletin.year}-W{bulletin.week:02d}.pdf"
    )
    return response


@login_required
def bulletin_xlsx(request, pk):
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    response = HttpResponse(bulletins.xlsx(bulletin), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"bulletin-{bulletin.year}-W{bulletin.week:02d}.xlsx"
    )
    return response
