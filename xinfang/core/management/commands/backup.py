"""manage.py backup [--output FILE]: the database, the media files and a manifest
in one .tar.gz (xinfang.core.backup; the procedure is in docs/deployment.md)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xinfang.core import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The archive to write (default: DATA_DIR/backups/xinfang-<time>.tar.gz).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        output = Path(
            options["output"] or Path(settings.DATA_DIR) / "backups" / f"xinfang-{stamp}.tar.gz"
        )
        try:
            manifest = backup.backup(output, alias=options["database"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{output}: {manifest['vendor']} database, "
            f"{sum(manifest['counts'].values())} rows, {len(manifest['media'])} files"
        )
