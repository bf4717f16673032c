"""Database plumbing shared by every app, and about none of them.

Reading rows as dicts with compiled-once queries (``rows``), building nested JSON in the database
(``json_rows``), loading every nested list of a page in one query (``nested``), the prepared psycopg
cursor those reads run on (``cursors``) and the reference rows that survive a flush (``reference_data``).

This package imports Django and the database drivers, never a Lyceum app: the apps import it, and a
test (``tests/test_layering.py``) holds the line.
"""
