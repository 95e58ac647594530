"""Answer checking (placeholder until the checker lands)."""
