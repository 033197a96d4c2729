"""Backup and restore (``scripts/backup.sh``, ``scripts/restore.sh``): the restore drill proves
them on a scratch database of the PostgreSQL server the tests use; a damaged backup is refused
before anything is touched.

The drill needs PostgreSQL and its client programs: without them it is skipped, unless
``REQUIRE_POSTGRES`` is set.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SCRIPTS = Path(settings.BASE_DIR) / "scripts"


def _postgres_server_url() -> str:
    """The test database's server, as a URL without a database name; skips without one."""
    database = settings.DATABASES["default"]
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if shutil.which(tool) is None]
    reason = ""
    if database["ENGINE"] != "django.db.backends.postgresql":
        reason = "the tests do not run on PostgreSQL"
    elif missing:
        reason = f"{', '.join(missing)} not installed"
    if reason:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail(f"REQUIRE_POSTGRES is set but {reason}")
        pytest.skip(f"{reason}: the restore drill runs in CI")
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    host = database["HOST"] or "127.0.0.1"
    return f"postgres://{database['USER']}{password}@{host}:{database['PORT'] or 5432}"


@pytest.mark.slow
def test_the_restore_drill_gives_back_every_row_and_file(tmp_path):
    result = subprocess.run(
        [SCRIPTS / "restore_drill.sh"],
        env={
            **os.environ,
            "DRILL_POSTGRES_URL": _postgres_server_url(),
            "PYTHON": sys.executable,
            "TMPDIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=900,
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "Restore drill passed: the same row counts in" in result.stdout
    assert "Restored chm-portal-" in result.stdout
    assert not list(tmp_path.iterdir()), "the drill leaves nothing behind"


def test_a_damaged_backup_is_refused_before_anything_is_touched(tmp_path):
    backup = tmp_path / "chm-portal-20270115T020000Z"
    parts = {f"{backup.name}.dump": b"PGDMP a database dump", f"{backup.name}-media.tar.gz": b"tar"}
    for name, content in parts.items():
        (tmp_path / name).write_bytes(content)
    Path(f"{backup}.sha256").write_text(
        "".join(
            f"{hashlib.sha256(content).hexdigest()}  {name}\n" for name, content in parts.items()
        )
    )
    Path(f"{backup}.dump").write_bytes(b"PGDMP a database dump, cut sho")  # damaged since
    media = tmp_path / "media"

    result = subprocess.run(
        [SCRIPTS / "restore.sh", str(backup)],
        # Nobody listens there: the script must stop before it connects.
        env={
            **os.environ,
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
            "MEDIA_ROOT": str(media),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "is damaged (checksums differ); nothing restored" in result.stderr
    assert not media.exists()
