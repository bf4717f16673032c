"""Read API v1 (/api/v1/)."""
