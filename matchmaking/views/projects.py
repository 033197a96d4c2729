"""Pages of projects."""

urlpatterns: list = []
