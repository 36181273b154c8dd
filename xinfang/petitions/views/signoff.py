"""签发 on the matter page: the draft of the written answer, its approval and issue.

`panel` builds what the matter page shows of the sign-off: the open draft with
the steps this user may take (save, submit; approve, send back; preview, issue;
withdraw), the form to start a draft where the user may, and the last drafts
closed. The views that take the steps live with the matter's (views/matter.py).
"""

from __future__ import annotations

from .. import forms, permissions, selectors, services


def draft_prefix(action: str, draft_id: int) -> str:
    """The form prefix of one step on one draft (the page may hold several)."""
    if action in ("revise", "submit"):
        return f"draft-{draft_id}"
    if action in ("approve", "send_back"):
        return f"decide-{draft_id}"
    return f"{action}-{draft_id}"


def draft_form(action: str, d, data=None):
    """The form of `action` on draft `d` (bound to `data` when given)."""
    prefix = draft_prefix(action, d.pk)
    if action in ("revise", "submit"):
        return forms.DraftForm(data, prefix=prefix, petition=d.petition, draft=d)
    if action in ("approve", "send_back"):
        return forms.DecisionForm(data, prefix=prefix, draft=d)
    return forms.DraftStepForm(data, prefix=prefix, draft=d)


def panel(request, p, *, bound=None) -> dict | None:
    """The sign-off card of the matter page, or None when there is nothing to show
    this user (drafts are the answering unit's: seen by who reaches that unit)."""
    user = request.user
    drafts = []
    for d in selectors.drafts_of(user=user, petition=p):
        d.petition = p
        if permissions.may_see_drafts(user, d):
            drafts.append(d)
    rows = []
    for d in drafts:
        if not d.is_open:
            continue
        allowed = {t.name: t for t in services.draft_allowed_actions(user, d)}
        row = {"d": d, "allowed": allowed}
        for action, key in (
            ("submit", "form"),
            ("revise", "form"),
            ("approve", "decision"),
            ("send_back", "decision"),
            ("issue", "issue"),
            ("withdraw", "withdraw"),
        ):
            if action in allowed and key not in row:
                prefix = draft_prefix(action, d.pk)
                row[key] = (
                    bound if bound is not None and bound.prefix == prefix else draft_form(action, d)
                )
        rows.append(row)
    new_form = None
    if services.may_draft(user, p):
        new_form = (
            bound
            if bound is not None and bound.prefix == "draft"
            else forms.DraftForm(prefix="draft", petition=p)
        )
    closed = [d for d in drafts if not d.is_open][:3]
    if not rows and new_form is None and not closed:
        return None
    return {"open": rows, "new_form": new_form, "closed": closed}
