"""API viewsets; they call selectors and services."""
