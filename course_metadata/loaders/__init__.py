"""Loaders: pull the catalog's data from the services that own it (LMS, e-commerce, a running course-discovery).

Each loader is a small class behind one interface (``base.Loader``) and writes only through
``course_metadata.services``; see docs/decisions/0120-loaders.rst.
"""
