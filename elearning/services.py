"""Writes: one typed function per state change, called by views, API, admin and tasks."""
