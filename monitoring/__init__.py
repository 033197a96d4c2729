"""Indicators of the action plan, dashboards, gap analysis and country profiles."""
