"""Where areas built on petitions plug into a matter's pages without petitions
importing them (core.registry; docs/architecture.md, "Directions"). A higher area
registers in its AppConfig.ready(); petitions calls whatever is registered and
shows nothing when nothing is.

MATTER_PANELS
    Callables `panel(request, petition) -> dict | None`, registered with
    `MATTER_PANELS.register(panel)` (the key defaults to the callable's dotted
    name). On the staff matter page (petitions:detail) every registered panel is
    called, in the order of registration, for a matter the user may see; an
    answer of None (or an empty dict) shows nothing. A dict is rendered with
    the template named by its "template" key, and every other key as the
    template's context (with the request, so `{% csrf_token %}`, `user` and
    `request` work, and `p`, the petition): e.g. the mediation area answers
    {"template": "mediation/_petition_panel.html", "mediation": {"disputes":
    [...], "form": ..., "refused": ...}} and its template reads `mediation.*`.
    Panels are shown, in order, between the matter's facts and its
    actions. A panel does its own visibility checks for what it shows.

REGISTRATION_SOURCES
    By key, the places a registration can be raised from. Key "dispute" (the
    mediation area): a dispute whose mediation failed. Register an object (not a
    function) with `REGISTRATION_SOURCES.register(source, key="dispute")`; it has
    two methods:

    `describe(request, source_id) -> dict | None`
        `source_id` is the raw value of `?from_dispute=` (GET) or of the form's
        hidden `from_dispute` field (POST): a string, maybe empty or malformed.
        Empty: return None (the form is not raised from anything). Malformed, or
        a source `request.user` may not see: raise core NotFound (404). Else
        return a dict:
            "object": the source's model instance (the idempotency fingerprint
                of the registration names it; never shown as such);
            "number": its number, shown on the form ("Raised from dispute N");
            "url": the source's page, linked back from the form;
            "label": a sentence saying where the matter comes from (optional);
            "raisable": True while a petition may still be raised from it
                (mediation failed, the dispute did not come from a petition,
                none raised yet); when False, GET redirects to "url" with a
                message;
            "initial": the RegistrationForm's initial values (any of summary,
                content, place, category, purpose, people_count, and
                from_dispute = the source's id); a place outside the clerk's
                territory is dropped by the form;
            "petitioners": the petitioner rows, in order, each
                {"name", "id_number", "phone", "address"} (at most five are used);
            "reveal_targets": one security-record target per row of
                "petitioners", in the same order (e.g.
                "dispute:<number>:party:<pk>"): the full ID number and phone are
                copied into the form, and each copy is put on the security
                record (core.pii.reveal) under its row's target.
        Only "object", "number" and "url" are read on POST.

    `raise_petition(*, actor, source_id, registration) -> Petition`
        Register the matter from the source, in one transaction: `registration`
        holds the keyword arguments of services.petition_register (without
        actor); the source adds what it wants to the register event through
        `event_data=` (e.g. {"from_dispute": number, "dispute": pk}) and records
        the petition on its own side. It raises core domain errors (Conflict when
        the source no longer allows it, InvalidInput, PermissionDenied); the
        registration page shows them.

WORKLIST_SOURCES
    Callables `source(user) -> list[dict]` (an iterable is fine), registered
    with `WORKLIST_SOURCES.register(source)`: things that wait for the user's
    action and are not a matter in a state of its own, shown on the worklist
    (待办) above the matters and counted on the start page. The h-signoff part
    plugs `drafts_awaiting_approval(user)` (to the unit head) and
    `drafts_sent_back(user)` (to the handler) in here, through an adapter that
    turns each draft into a row. Each row is a dict:
        "url": the page where the user acts (required);
        "title": what it is, a sentence (required), e.g. "处理意见书草稿待审批";
        "number": the matter's number (optional);
        "summary": the matter's summary (optional);
        "since": a date or datetime, when it began waiting (optional);
        "colour": red/yellow/blue, the matter's colour (optional);
        "petition_id": the matter's id (optional: its row is not repeated).
    A source filters by visibility itself and must not run a query per row
    (the worklist has query-count tests): answer from one or two queries.

ACTIONS_ELSEWHERE
    By action name (a row of workflow.TABLE), the page of a higher area where
    that action is done with what it adds: a callable `page(petition) -> url`,
    registered with `ACTIONS_ELSEWHERE.register(page, key="list")`. The matter's
    page shows a link to it instead of its own form (the supervision area keeps
    the listing record, its chases and letters, and drives the matter's `list`
    and `chase` rows itself). The API and the services are unchanged.

REGISTRATION_PANELS
    Callables `panel(request) -> dict | None` shown on the clerk's registration
    page (petitions:register) above its buttons, rendered as MATTER_PANELS are
    (the "template" key, the rest as context, with the request). The search
    area's "earlier and similar matters" check registers here.

REGISTERED_HOOKS
    Callables `hook(request, petition) -> None` called once a matter is newly
    registered from the clerk's page (not on a replayed double submit), after
    the registration's own transaction. The search area applies the marks chosen
    in its check (repeat, related) here; a refusal of a hook's own write never
    undoes the registration (the hook runs each write in its own transaction
    and warns).

Until the mediation area registers, the matter page shows no mediation panel and
`?from_dispute=` answers 404.
"""

from xinfang.core.registry import Registry

MATTER_PANELS = Registry("petitions.matter_panels")
REGISTRATION_SOURCES = Registry("petitions.registration_sources")
WORKLIST_SOURCES = Registry("petitions.worklist_sources")
ACTIONS_ELSEWHERE = Registry("petitions.actions_elsewhere")
REGISTRATION_PANELS = Registry("petitions.registration_panels")
REGISTERED_HOOKS = Registry("petitions.registered_hooks")


def worklist_sources(user) -> list[dict]:
    """Every registered worklist source's rows for `user`, in order (none: [])."""
    return [row for source in WORKLIST_SOURCES for row in (source(user) or [])]


def matter_panels(request, petition) -> list[dict]:
    """The registered panels' answers for this matter, in order (none: [])."""
    return [panel for panel in MATTER_PANELS.collect(request, petition) if panel]


def registration_panels(request) -> list[dict]:
    """The registered panels' answers for the registration page, in order."""
    return [panel for panel in REGISTRATION_PANELS.collect(request) if panel]


def after_registration(request, petition) -> None:
    """Call every registered REGISTERED_HOOKS hook for a newly registered matter."""
    for hook in REGISTERED_HOOKS:
        hook(request, petition)


def registration_source(key: str):
    """The registered source for `key`, or None."""
    return REGISTRATION_SOURCES.get(key)
