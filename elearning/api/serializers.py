"""API serializers."""
