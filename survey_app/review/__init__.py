"""Supervisor review: the area-limited queue, the submission page with comments, versions, diffs and
corrections, quality flags, bulk approval. Blueprint ``review`` under ``/review``; the JSON API is in
``survey_app/api/review.py``; the legal transitions are in ``survey_app/core/review_states.py``."""
