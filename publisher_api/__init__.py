"""publisher_api app."""
