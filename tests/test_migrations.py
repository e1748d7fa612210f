"""The migrations build the whole schema, on SQLite and PostgreSQL, with nothing missing."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from survey_app.models import Base


def test_migrated_schema_matches_models(app):
    engine = app.extensions["database_engine"]
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_every_table_exists(app):
    tables = set(inspect(app.extensions["database_engine"]).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
