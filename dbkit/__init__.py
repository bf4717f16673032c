"""Database plumbing shared by every app, and about none of them.

* ``rows``: rows read as dicts, with queries compiled once and run with key lists;
* ``nested``: lists nested in rows, declared once (``Nested``) and loaded in one query per page;
* ``json_values``: JSON built by the database, and its values put in the form the API renders;
* ``cursors``: the prepared psycopg cursor those reads run on;
* ``reference_data``: the rows shipped by data migrations, kept across a flush.

This package imports Django and the database drivers, never a Lyceum app: the apps import it, and a
test (``tests/test_layering.py``) holds the line.
"""
