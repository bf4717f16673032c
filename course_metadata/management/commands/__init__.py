"""The `manage.py` commands that course_metadata provides."""
