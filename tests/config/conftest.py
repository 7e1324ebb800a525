"""Helpers for the settings tests: run a fresh Python process with a chosen environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_ENV = ROOT / "deploy" / "giaingan.env.example"
# The variables a developer's or CI's shell may carry that would change what the settings decide.
SETTINGS_VARIABLES = ("DJANGO_", "GIAINGAN_", "DATABASE_URL", "CELERY_", "CACHE_URL", "MEDIA_ROOT", "LOGIN_")


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines, as systemd's EnvironmentFile reads them (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


@pytest.fixture
def run_django(tmp_path):
    """Run `code` after django.setup() (or manage.py `args`) in a new process with only `env` set for the service."""

    def run(env: dict[str, str], code: str | None = None, args: list[str] | None = None):
        base = {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS_VARIABLES)}
        base.update({"GIAINGAN_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "config.settings"})
        base.update(env)
        if args is not None:
            command = [sys.executable, "manage.py", *args]
        else:
            command = [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"]
        return subprocess.run(command, cwd=ROOT, env=base, capture_output=True, text=True, timeout=120)

    return run
