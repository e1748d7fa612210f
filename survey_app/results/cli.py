"""CLI groups `rulesets` and `scoring` (listed in survey_app/cli.py)."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..commands import transaction
from ..models import RulesetVersion, SurveyRound

rulesets_cli = AppGroup("rulesets", help="Bộ quy tắc chấm điểm (forms/rulesets/).")
scoring_cli = AppGroup("scoring", help="Kết quả chấm điểm đã lưu.")


def _round(session, code: str) -> SurveyRound:
    survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == code))
    if survey_round is None:
        raise click.ClickException(f"Không có đợt khảo sát mã '{code}'.")
    return survey_round


@rulesets_cli.command("load")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def rulesets_load(path: Path):
    """Nạp các bộ quy tắc (*.yaml) trong PATH; phiên bản trùng mà nội dung khác thì bị từ chối."""
    from .rulesets import RulesetLoadError, load_directory

    try:
        with transaction() as session:
            loads = load_directory(session, path)
    except RulesetLoadError as err:
        raise click.ClickException("Không nạp được, không có gì thay đổi:\n" + "\n".join(err.lines)) from err
    for load in loads:
        what = "mới" if load.status == "new" else "không đổi"
        click.echo(f"{load.version.ruleset_id} {load.version.version}: {what} ({load.source})")


@rulesets_cli.command("assign")
@click.option("--round", "round_code", required=True)
@click.option("--ruleset", "ruleset_id", required=True)
@click.option("--version", "version", required=True)
@click.option("--position", type=int, default=None, help="0 = bộ quy tắc chính của báo cáo.")
def rulesets_assign(round_code, ruleset_id, version, position):
    """Gán một phiên bản bộ quy tắc cho đợt khảo sát rồi chấm lại đợt đó (một giao dịch)."""
    from .rescore import rescore_round
    from .rulesets import RulesetLoadError, assign_ruleset

    try:
        with transaction() as session:
            survey_round = _round(session, round_code)
            rv = session.scalar(select(RulesetVersion).where(RulesetVersion.ruleset_id == ruleset_id,
                                                             RulesetVersion.version == version))
            if rv is None:
                raise click.ClickException(f"Chưa nạp bộ quy tắc {ruleset_id} phiên bản {version}.")
            assign_ruleset(session, survey_round, rv, position=position)
            report = rescore_round(session, survey_round, ruleset_id=ruleset_id)
    except RulesetLoadError as err:
        raise click.ClickException("\n".join(err.lines)) from err
    click.echo(f"{report.summary} ({report.seconds:.1f} giây).")


@scoring_cli.command("rescore")
@click.option("--round", "round_code", required=True)
@click.option("--ruleset", "ruleset_id", default=None, help="Chỉ chấm lại bộ quy tắc này.")
def scoring_rescore(round_code, ruleset_id):
    """Chấm lại toàn bộ phiếu của đợt trong một giao dịch; nhật ký ghi phiên bản bộ quy tắc đã dùng."""
    from .rescore import rescore_round

    started = time.perf_counter()
    with transaction() as session:
        report = rescore_round(session, _round(session, round_code), ruleset_id=ruleset_id)
    click.echo(f"{report.summary} trong {time.perf_counter() - started:.1f} giây.")


COMMAND_GROUPS = (rulesets_cli, scoring_cli)
