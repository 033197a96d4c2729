"""API of projects."""

# (prefix, viewset, basename) registered by api/urls.py.
ROUTES: list = []
