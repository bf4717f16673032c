"""Read querysets of the catalog app: the database evaluator, catalogs a user sees, members and documents."""
