"""Domain core: plain Python rules for questionnaires, scoring and reports (no Flask, no database)."""
