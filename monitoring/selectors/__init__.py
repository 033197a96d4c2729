"""Reads of monitoring, one module per area: stored values, gap analysis, country profiles."""
