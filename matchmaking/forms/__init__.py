"""Forms of matchmaking, one module per area (``matches``, ``projects``)."""
