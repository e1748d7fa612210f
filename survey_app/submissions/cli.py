"""CLI group `submissions` (registered by survey_app.cli.register_cli)."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from survey_app.models import SurveyRound
from survey_app.surveys.versions import get_definition

from ..commands import transaction
from .stats import rebuild_income_summaries

submissions_cli = AppGroup("submissions", help="Phiếu khảo sát đã nhận.")


@submissions_cli.command("refresh-stats")
@click.option("--round", "round_code", required=True, help="Mã đợt khảo sát.")
def refresh_stats(round_code: str):
    """Tính lại thống kê thu nhập theo xã của đợt (cảnh báo thu nhập cao bất thường) từ các phiếu đã lưu."""

    with transaction() as session:
        survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == round_code))
        if survey_round is None:
            raise click.ClickException(f"Không có đợt khảo sát mã '{round_code}'.")
        question = get_definition(survey_round.questionnaire_version).quality.income_question
        counted = rebuild_income_summaries(session, survey_round.id, question)
    click.echo(f"Đợt {round_code}: đã tính lại thống kê thu nhập từ {counted} phiếu.")
