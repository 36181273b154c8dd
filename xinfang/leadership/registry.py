"""Where areas built on leadership plug into its pages and documents without
leadership importing them (core.registry; docs/architecture.md, "Directions").

BULLETIN_ESCALATIONS
    Callables `source(office, *, start, end) -> list[str]`, registered with
    `BULLETIN_ESCALATIONS.register(source, key=...)`: the names of the units whose
    matters under the petition office `office` (a Unit) were escalated red in the
    week `start`..`end` (dates, Monday to Sunday). The weekly bulletin (每周通报)
    names them beside the units with red matters of the campaign. The supervision
    area registers its escalation ladder's red steps here. Nothing registered: the
    bulletin names none.
"""

from xinfang.core.registry import Registry

BULLETIN_ESCALATIONS = Registry("leadership.bulletin_escalations")


def escalated_units(office, *, start, end) -> list[str]:
    """Every registered source's unit names for the week, once each, in order."""
    names: list[str] = []
    for source in BULLETIN_ESCALATIONS:
        for name in source(office, start=start, end=end) or []:
            if name not in names:
                names.append(name)
    return names
