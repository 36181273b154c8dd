"""Helpers shared by core's test modules (a test module imports no other test
module: xinfang/core/tests/test_architecture.py)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the checkout, where manage.py is


def run_manage(*args, **env):
    """manage.py in a fresh process, with the given environment on top of ours
    (without pytest's and Django's settings variables)."""
    clean = {
        k: v for k, v in os.environ.items() if k != "PYTEST_VERSION" and not k.startswith("DJANGO_")
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )
