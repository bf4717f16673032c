"""HTTP API of the course metadata domain (read API v1 and its shared plumbing)."""
