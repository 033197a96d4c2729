"""Admin of suggestions."""
