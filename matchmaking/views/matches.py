"""Pages of matches."""

urlpatterns: list = []
