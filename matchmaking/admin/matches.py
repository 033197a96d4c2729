"""Admin of matches."""
