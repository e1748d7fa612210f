"""gunicorn entry point: `gunicorn wsgi:app`; also `flask --app wsgi COMMAND`."""
from survey_app import create_app

app = create_app()
