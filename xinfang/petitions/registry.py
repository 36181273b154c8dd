"""Where areas built on petitions plug into a matter's pages without petitions
importing them (core.registry; docs/architecture.md, "Directions").

- MATTER_PANELS: callables (request, petition) -> dict | None, each a panel on
  the staff matter page: {"template": "...html", **context}. The mediation area
  registers the 优先调解 panel (a diverted matter's dispute).
- REGISTRATION_SOURCES: by key (e.g. "dispute"), a callable
  (request, source_id) -> dict | None describing where a registration comes
  from ({"label", "url", "initial"}), and `raise_petition(actor, source_id,
  registration) -> Petition` registering it (the mediation area raises a
  petition from a dispute that mediation could not settle).
"""

from xinfang.core.registry import Registry

MATTER_PANELS = Registry("petitions.matter_panels")
REGISTRATION_SOURCES = Registry("petitions.registration_sources")
