"""Signals other apps listen to, so that needs never imports them (matchmaking recomputes the
suggestions of a request when it changes)."""

from django.dispatch import Signal

# Sent inside the transaction of a change of what a request says or of its status, by
# needs.services; ``need`` is the request.
need_changed = Signal()
