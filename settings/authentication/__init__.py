"""Who is calling: JWT verification, throttled HTTP Basic and password logins (ADR 0070)."""
