"""The course metadata domain: courses, runs, programs, pathways and their marketing data."""
