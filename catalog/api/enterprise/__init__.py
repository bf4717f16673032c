"""enterprise-catalog's API as edx-enterprise's EnterpriseCatalogApiClient calls it (ADR 0100)."""
