"""Web forms; validation at the boundary, business rules in services."""
