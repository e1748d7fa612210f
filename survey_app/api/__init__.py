"""JSON API under /api/v1/, for scripts (Bearer token) and the browser (session + CSRF header).

The blueprint and its authentication are in ``views.py``; one module per resource registers its routes there."""
