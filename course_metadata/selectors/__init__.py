"""Read querysets of the course metadata domain; views call these, never build shapes themselves."""
