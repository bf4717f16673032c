"""Serializers of the read API v1, one module per resource."""
