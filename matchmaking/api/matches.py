"""API of matches."""

# (prefix, viewset, basename) registered by api/urls.py.
ROUTES: list = []
