"""Matching expressed needs with partners' offers of support, from proposal to pilot project."""
