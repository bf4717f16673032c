"""Catalog HTTP API."""
