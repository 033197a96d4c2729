"""Fail when French or Spanish misses a translation of any interface string.

Re-extracts the strings with ``makemessages`` (GNU gettext), so a string added to the code but
not to ``locale/`` counts as untranslated, then reports untranslated and fuzzy entries. When
extraction finds no new strings, the .po files are restored as they were (only their header dates
would change).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
CHECKED_LANGUAGES = ("fr", "es")
IGNORED = (
    "--ignore=.venv",
    "--ignore=staticfiles",
    "--ignore=node_modules",
    "--ignore=media",
    "--ignore=tests/browser/vendor",
)


def extract() -> None:
    env = {**os.environ, "TESTING": "true"}
    languages = [arg for code in CHECKED_LANGUAGES for arg in ("-l", code)]
    for domain in ("django", "djangojs"):
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "-d",
                domain,
                *languages,
                "--no-obsolete",
                "-v",
                "0",
                *IGNORED,
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )


def msgids(path: Path) -> set[tuple[str, str]]:
    if not path.exists():
        return set()
    return {(entry.msgctxt or "", entry.msgid) for entry in polib.pofile(str(path))}


def main() -> int:
    if not shutil.which("xgettext"):
        print(
            "check_translations: GNU gettext is not installed; checking the .po files as they are."
        )
    else:
        with tempfile.TemporaryDirectory() as backup:
            saved = Path(backup) / "locale"
            shutil.copytree(LOCALE, saved)
            extract()
            unchanged = all(
                msgids(po) == msgids(saved / po.relative_to(LOCALE))
                for po in LOCALE.glob("*/LC_MESSAGES/*.po")
            )
            if unchanged:
                shutil.rmtree(LOCALE)
                shutil.copytree(saved, LOCALE)

    problems = []
    for code in CHECKED_LANGUAGES:
        for po_path in sorted((LOCALE / code / "LC_MESSAGES").glob("*.po")):
            catalogue = polib.pofile(str(po_path))
            for entry in catalogue.untranslated_entries():
                problems.append(f"{po_path.relative_to(ROOT)}: untranslated: {entry.msgid!r}")
            for entry in catalogue.fuzzy_entries():
                problems.append(f"{po_path.relative_to(ROOT)}: fuzzy: {entry.msgid!r}")
        if not (LOCALE / code / "LC_MESSAGES" / "django.po").exists():
            problems.append(f"locale/{code}/LC_MESSAGES/django.po is missing")
    if problems:
        print("\n".join(problems))
        print(
            f"check_translations: {len(problems)} problem(s); translate them in locale/ and run "
            "`make compile-messages`."
        )
        return 1
    print("check_translations: French and Spanish are complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
