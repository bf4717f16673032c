"""The Django admin as catalog editors use it: Lyceum's admin site, its sections, styles and templates."""
