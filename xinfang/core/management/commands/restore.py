"""manage.py restore ARCHIVE --yes: replace the database and the media files by
those of a backup (xinfang.core.backup), after checking the archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xinfang.core import backup


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace the current database and files (required: there is no undo).",
        )

    def handle(self, *args, **options):
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"No such archive: {archive}")
        if not options["yes"]:
            raise CommandError(
                "This replaces the whole database and the media files. Stop the service, "
                "then run again with --yes."
            )
        try:
            manifest = backup.restore(archive, alias=options["database"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {sum(manifest['counts'].values())} rows and {len(manifest['media'])} "
            f"files from {manifest['created_at']} ({manifest['vendor']})."
        )
