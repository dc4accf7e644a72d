from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """An environment for a subprocess with production settings (DEBUG unset, a random key).

    The variables the settings read are set to "" unless given, so a developer's shell or
    .env file cannot leak in ("" means "use the default" to the settings).
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "budgetopfoelgning.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "SECRET_KEY": secrets.token_urlsafe(45),  # 60 random characters
        "ALLOWED_HOSTS": "example.org",
        "DEBUG": "",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.update(overrides)
    return env


def run_python(args: list[str], env: dict[str, str], timeout: int = 120):
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
