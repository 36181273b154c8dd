"""Where the areas built on orgs plug into what orgs shows, without orgs
importing them (core.registry; docs/architecture.md, "Areas and their
directions").

- DEMO_LOGIN_LINES: callables (url) -> str | None, each a line (or lines) that
  `manage.py demo_logins` (`make run`) prints after the demo logins, with
  DEBUG on only. The portal registers "a demo matter to track" (its query code,
  to try the public tracking page and the query terminal).
"""

from xinfang.core.registry import Registry

DEMO_LOGIN_LINES = Registry("orgs.demo_login_lines")
