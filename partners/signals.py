"""Signals other apps listen to, so that partners never imports them (matchmaking recomputes
its suggestions when an offer changes)."""

from django.dispatch import Signal

# Sent inside the transaction of a change of a record (created, edited, status changed, about to
# be deleted), by partners.services.records; ``sender`` is the record's model, ``record_id`` its
# pk and ``deleted`` whether it is going away.
record_changed = Signal()
