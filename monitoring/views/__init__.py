"""Public pages of monitoring, one module per area."""
