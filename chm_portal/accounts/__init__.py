"""People and their roles: accounts, focal-point assignments, role requests and permissions."""
