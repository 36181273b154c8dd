from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xinfang.orgs import services
from xinfang.orgs.demo import CITY, CITY_SUPERIOR, DEMO_USERS, TOWNSHIP_CENTRES, demo_units
from xinfang.orgs.models import Unit


class Command(BaseCommand):
    help = "Build the Wugang-shaped demo tree and one demo user per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even though DEBUG is off (it creates users with a known password).",
        )

    def handle(self, *args, allow_production=False, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: the demo data has users with a known password. "
                "Pass --allow-production if you really want it here."
            )
        with transaction.atomic():
            made_units = self._units()
            made_users = self._users()
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(
                f"Demo data: {Unit.objects.count()} units ({made_units} new), "
                f"{len(DEMO_USERS) + 1} demo users ({made_users} new)."
            )

    def _units(self) -> int:
        existing = {u.code: u for u in Unit.objects.all()}
        made = 0
        for order, (code, name, kind, level, parent_code, mtype) in enumerate(demo_units()):
            if code in existing:
                continue
            existing[code] = services.unit_create(
                code=code,
                name=name,
                kind=kind,
                level=level,
                parent=existing[parent_code] if parent_code else None,
                mediation_type=mtype,
                sort_order=order,
                superior_organ_name=CITY_SUPERIOR if code == CITY[0] else "",
            )
            made += 1
        # The townships' approximate centres (the map of matters by place), where
        # none is set yet: a centre an administrator corrected stays.
        for suffix, (lat, lng) in TOWNSHIP_CENTRES.items():
            Unit.objects.filter(code=CITY[0] + suffix, latitude__isnull=True).update(
                latitude=lat, longitude=lng
            )
        return made

    def _users(self) -> int:
        User = get_user_model()
        password = settings.DEMO_PASSWORD
        units = {u.code: u for u in Unit.objects.all()}
        made = 0
        for username, full_name, unit_code, role in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = services.user_create(
                    username=username, password=password, full_name=full_name
                )
                made += 1
            services.membership_add(user=user, unit=units[unit_code], role=role, is_primary=True)
        if not User.objects.filter(username="admin").exists():
            services.user_create(
                username="admin", password=password, full_name="系统管理员", administrator=True
            )
            made += 1
        return made
