"""Forms of the partners app: organisations, records, engagement (downloads, applications)."""
