"""Reads: functions returning QuerySets with their related rows loaded."""
