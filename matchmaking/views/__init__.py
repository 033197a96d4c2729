"""Pages of matchmaking, one module per area; each module has its ``urlpatterns``."""
