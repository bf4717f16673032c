"""Management commands of the course metadata domain."""
