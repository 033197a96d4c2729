"""Models of this app; see docs/data-model.md."""
