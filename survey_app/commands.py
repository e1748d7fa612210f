"""What every `flask` command shares: one transaction per command, and a refusal as a Click error.

The command groups live with their features (``auth/cli.py``, ``households/cli.py``, ``surveys/cli.py``…);
``survey_app/cli.py`` lists them.
"""
from __future__ import annotations

from contextlib import contextmanager

import click

from .extensions import db


@contextmanager
def transaction():
    session = db.session
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.remove()


def fail(message: str) -> None:
    raise click.ClickException(message)
