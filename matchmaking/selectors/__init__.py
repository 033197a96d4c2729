"""Reads of matchmaking, with their ``select_related``: ``suggestions``, ``matches`` and
``projects``."""
