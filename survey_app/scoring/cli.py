"""CLI groups `rulesets`, `scoring`, `targets` and `demo` (registered by survey_app.cli.register_cli)."""
from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from survey_app.models import RulesetVersion, SurveyRound

rulesets_cli = AppGroup("rulesets", help="Bộ quy tắc chấm điểm (forms/rulesets/).")
scoring_cli = AppGroup("scoring", help="Kết quả chấm điểm đã lưu.")
targets_cli = AppGroup("targets", help="Chỉ tiêu của các kết quả (forms/targets/).")
demo_cli = AppGroup("demo", help="Dữ liệu mẫu tổng hợp.")


def _round(session, code: str) -> SurveyRound:
    survey_round = session.scalar(select(SurveyRound).where(SurveyRound.code == code))
    if survey_round is None:
        raise click.ClickException(f"Không có đợt khảo sát mã '{code}'.")
    return survey_round


@rulesets_cli.command("load")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def rulesets_load(path: Path):
    """Nạp các bộ quy tắc (*.yaml) trong PATH; phiên bản trùng mà nội dung khác thì bị từ chối."""
    from survey_app.cli import transaction

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
    from survey_app.cli import transaction

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
    from survey_app.cli import transaction

    from .rescore import rescore_round

    started = time.perf_counter()
    with transaction() as session:
        report = rescore_round(session, _round(session, round_code), ruleset_id=ruleset_id)
    click.echo(f"{report.summary} trong {time.perf_counter() - started:.1f} giây.")


@targets_cli.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--round", "round_code", default=None, help="Đợt áp dụng (thay cho 'round' trong tệp).")
def targets_load(files, round_code):
    """Nạp chỉ tiêu từ các tệp YAML (tất cả hoặc không tệp nào)."""
    from survey_app.cli import transaction

    from .targets import TargetError, load_target_file

    try:
        with transaction() as session:
            count = sum(len(load_target_file(session, f, round_code=round_code)) for f in files)
    except TargetError as err:
        raise click.ClickException("Không nạp được, không có gì thay đổi:\n" + "\n".join(err.lines)) from err
    click.echo(f"Đã ghi {count} chỉ tiêu.")


@demo_cli.command("generate")
@click.option("--households", type=click.IntRange(1, 2_000_000), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--no-versions", is_flag=True, help="Không ghi bản lưu phiếu (nhanh hơn, cho benchmark).")
def demo_generate(households, seed, no_versions):
    """Sinh một tỉnh tổng hợp: địa bàn, hộ, phiếu hai đợt khảo sát và kết quả chấm điểm."""
    from survey_app.cli import transaction
    from survey_app.demo_generate import GenerateError, generate

    try:
        with transaction() as session:
            report = generate(session, households=households, seed=seed, versions=not no_versions)
    except GenerateError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Đã sinh {report.households} hộ ở {report.villages} thôn, {report.submissions} phiếu, "
               f"{report.results} kết quả chấm điểm (đợt {', '.join(report.rounds)}) trong {report.seconds:.1f} giây.")


COMMAND_GROUPS = (rulesets_cli, scoring_cli, targets_cli, demo_cli)
