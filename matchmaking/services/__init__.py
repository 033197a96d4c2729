"""Writes of matchmaking: ``suggestions`` (the engine's output), ``matches`` (the Bio-Bridge
workflow) and ``projects`` (pilot projects); views, API, admin, commands and tasks call them."""
