from django.conf import settings
from django.core.management.base import BaseCommand

from xinfang.orgs.demo import DEMO_USERS
from xinfang.orgs.models import Unit
from xinfang.orgs.registry import DEMO_LOGIN_LINES


class Command(BaseCommand):
    help = "Print the service's address and the demo logins (development only)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url, **options):
        out = self.stdout
        out.write("")
        out.write(f"  Xinfang is starting at {url}")
        out.write(f"  Staff login: {url}accounts/login/")
        out.write(f"  Citizens (no login): {url}public/   Query terminal: {url}kiosk/")
        if not settings.DEBUG:
            out.write("  (DEBUG is off: no demo logins are printed.)")
            return
        out.write(f"  Demo logins (password for all: {settings.DEMO_PASSWORD}):")
        names = dict(Unit.objects.values_list("code", "name"))
        for username, full_name, unit_code, role in DEMO_USERS:
            out.write(
                f"    {username:<11} {role.label!s:<8} {full_name} · {names.get(unit_code, '?')}"
            )
        out.write("    admin       superuser (also /admin/)")
        # What the areas built on orgs add (orgs.registry), e.g. the portal's
        # demo matter to track with its query code.
        for line in DEMO_LOGIN_LINES.collect(url):
            out.write(line)
        out.write("")
