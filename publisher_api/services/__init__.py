"""Write services of the Publisher API: keyword-only functions, one transaction each, permissions checked first."""
