"""Pages of suggestions."""

urlpatterns: list = []
