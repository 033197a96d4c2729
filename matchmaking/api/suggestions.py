"""API of suggestions."""

# (prefix, viewset, basename) registered by api/urls.py.
ROUTES: list = []
