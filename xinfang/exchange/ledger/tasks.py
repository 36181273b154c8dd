"""The import's background task on the project's runner (core.tasks: the
database queue by default, the immediate backend in tests)."""

from __future__ import annotations

from django.tasks import task

from . import run


@task()
def run_ledger_import(import_id: int) -> str:
    """Run (or go on with) one ledger import. Safe to run again: a finished import
    is left alone, a half-done one resumes after its last committed batch."""
    return run.ledger_run(import_id=import_id)
