"""Writes to the reference data.

Staff correct single records (a name, a country-group flag) in the admin; the only bulk write is
reloading the reference files.
"""

from django.db import transaction

from .loaders import LoadReport, load_reference_data


def reference_data_reload(*, dry_run: bool = False) -> LoadReport:
    """Upsert every reference record from ``data/`` and report what changed.

    Values held in the files win: staff corrections of those values (a country's LDC flag, a
    name in English, French or Spanish) are set back to the file value; ``is_active`` and
    names in the other languages are kept. With ``dry_run`` the changes are rolled back, so the
    report says what a real run would change.
    """
    with transaction.atomic():
        report = load_reference_data()
        if dry_run:
            transaction.set_rollback(True)
    return report
