import time

from django.core.management.base import BaseCommand

from xinfang.analytics import summaries


class Command(BaseCommand):
    help = (
        "Rebuild the figures' summaries (analytics facts and summary rows) from the "
        "matters, in one transaction. Run it after loading matters without the "
        "services (imports, a restored backup) and after the holiday data changed."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()

        def progress(done, total):
            if options["verbosity"] > 1:
                self.stdout.write(f"  {done:,} / {total:,} matters")

        counts = summaries.rebuild(progress=progress)
        self.stdout.write(
            f"{counts['facts']:,} facts, {counts['summary_rows']:,} summary rows "
            f"in {time.perf_counter() - started:.1f} s"
        )
