"""Writes of the catalog app: catalogs, content documents and membership."""
