"""Admin of projects."""
