"""Write services of the course metadata domain: keyword-only functions, one transaction each."""
