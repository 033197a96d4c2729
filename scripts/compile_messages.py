"""Compile locale/*/LC_MESSAGES/*.po into .mo files.

Uses Django's ``compilemessages`` (GNU gettext) when ``msgfmt`` is installed, and polib otherwise,
so that a fresh machine without gettext still gets a translated portal.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    if shutil.which("msgfmt"):
        env = {**os.environ, "TESTING": "true"}
        return subprocess.call(
            [sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "-v", "0"],
            cwd=ROOT,
            env=env,
        )
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
