"""`flask --app wsgi questionnaires ...` and `flask --app wsgi rounds ...` (registered in survey_app/cli.py)."""
from __future__ import annotations

from pathlib import Path

import click
import yaml
from flask.cli import AppGroup

from ..commands import fail, transaction
from ..core.clock import to_local, utc_now
from ..core.questionnaire import DefinitionError, definition_from_data, import_xlsform
from ..core.questionnaire.xlsform_export import write_xlsform
from .versions import QuestionnaireLoadError, get_definition, latest_version, load_directory, store_definition

questionnaires_cli = AppGroup("questionnaires", help="Questionnaire versions (bảng hỏi).")
rounds_cli = AppGroup("rounds", help="Survey rounds (đợt khảo sát).")


def _echo_report(report) -> None:
    label = f"{report.form_id} {report.version}" if report.form_id else ""
    click.echo(f"{report.status_label:11s} {report.source}" + (f"  ({label})" if label else ""))
    for line in report.message.splitlines():
        click.echo(f"    {line}", err=True)


@questionnaires_cli.command("load")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def questionnaires_load(directory: Path):
    """Store every *.yaml in DIRECTORY (not subfolders); all or nothing."""
    try:
        with transaction() as session:
            reports = load_directory(session, directory)
            for report in reports:
                _echo_report(report)
    except QuestionnaireLoadError as err:
        for report in err.reports:
            _echo_report(report)
        fail(err.message)
    new = sum(r.status == "new" for r in reports)
    click.echo(f"Đã nạp {new} phiên bản mới, {len(reports) - new} không đổi.")


@questionnaires_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="YAML file to write (default: FILE with the .yaml suffix).")
@click.option("--force", is_flag=True, help="Overwrite --out when it exists.")
@click.option("--load", "also_load", is_flag=True, help="Also store the questionnaire version.")
@click.option("--lenient", is_flag=True, help="Drop what cannot be reproduced (each dropped feature is listed).")
def questionnaires_import(file: Path, out: Path | None, force: bool, also_load: bool, lenient: bool):
    """Convert an XLSForm workbook (.xlsx, .xls, .csv) to a YAML questionnaire."""
    out = out or file.with_suffix(".yaml")
    try:
        data, warnings = import_xlsform(file, lenient=lenient)
        defn = definition_from_data(data, str(out))
    except DefinitionError as err:
        for warning in getattr(err, "warnings", ()):
            click.echo(f"Cảnh báo: {warning}", err=True)
        for line in err.errors:
            click.echo(line, err=True)
        hint = "" if lenient else " Dùng --lenient để bỏ các phần này (mỗi phần bị bỏ được liệt kê)."
        fail(f"Không chuyển được {file}: {len(err.errors)} lỗi.{hint}")
    for warning in warnings:
        click.echo(f"Cảnh báo: {warning}")
    if out.exists() and not force:
        fail(f"Tệp {out} đã có; dùng --force để ghi đè hoặc chọn --out khác.")
    header = (f"# Chuyển từ XLSForm {file.name} ngày {to_local(utc_now()):%d/%m/%Y %H:%M}.\n"
              f"# Sửa nội dung thì phải tăng \"version\".\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + yaml.safe_dump(defn.to_data(), allow_unicode=True, sort_keys=False, width=120),
                   encoding="utf-8")
    click.echo(f"Đã ghi {out} (bảng hỏi {defn.form_id}, phiên bản {defn.version}, {len(warnings)} cảnh báo).")
    if also_load:
        try:
            with transaction() as session:
                report = store_definition(session, defn, source_name=str(out))
        except QuestionnaireLoadError as err:
            for report in err.reports:
                _echo_report(report)
            fail(err.message)
        _echo_report(report)


@questionnaires_cli.command("export")
@click.argument("form_id")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Workbook to write (default: FORM_ID-VERSION.xlsx).")
@click.option("--force", is_flag=True, help="Overwrite --out when it exists.")
def questionnaires_export(form_id: str, out: Path | None, force: bool):
    """Write the latest stored version of FORM_ID as an XLSForm workbook (edit in Excel, import it back)."""
    with transaction() as session:
        stored = latest_version(session, form_id)
        if stored is None:
            fail(f"Không có bảng hỏi '{form_id}'.")
        defn = get_definition(stored)
    out = out or Path(f"{form_id}-{defn.version}.xlsx")
    if out.exists() and not force:
        fail(f"Tệp {out} đã có; dùng --force để ghi đè hoặc chọn --out khác.")
    write_xlsform(defn, out)
    click.echo(f"Đã ghi {out} (bảng hỏi {defn.form_id}, phiên bản {defn.version}).")


@rounds_cli.command("create")
@click.argument("code")
@click.option("--name", required=True, help="Round name (Vietnamese).")
@click.option("--form", "form_id", required=True, help="Questionnaire form_id, e.g. ho_gia_dinh.")
@click.option("--version", "version", default=None, help="Questionnaire version (default: the latest loaded).")
@click.option("--start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--end", required=True, help="Last day, YYYY-MM-DD.")
@click.option("--area", "areas", multiple=True, required=True, help="Area code; repeat for several.")
@click.option("--series", default="", help="Series that compares year on year, e.g. ra_soat.")
@click.option("--count-all", is_flag=True, help="Reports count every current submission, not only approved ones.")
@click.option("--percent", "percent_rule", default="1:round", show_default=True,
              help="How reports print percentages: DECIMALS:round or DECIMALS:truncate (0-3 decimals).")
@click.option("--denominator", type=click.Choice(["official", "surveyed"]), default="official", show_default=True,
              help="Reports count against the commune's official list at the start (un-surveyed households count "
                   "as not met) or only the surveyed, counted households.")
def rounds_create(code, name, form_id, version, start, end, areas, series, count_all, percent_rule, denominator):
    """Create an open survey round."""
    from sqlalchemy import select

    from ..models import QuestionnaireVersion
    from .rounds import RoundError, create_round

    try:
        with transaction() as session:
            if version:
                qv = session.scalar(select(QuestionnaireVersion).where(
                    QuestionnaireVersion.form_id == form_id, QuestionnaireVersion.version == version))
            else:
                qv = latest_version(session, form_id)
            if qv is None:
                fail(f"Chưa nạp bảng hỏi '{form_id}'{f' phiên bản {version}' if version else ''}.")
            create_round(session, None, code, name, qv, start, end, list(areas), series,
                         count_only_approved=not count_all, percent_rule=percent_rule,
                         denominator=denominator, actor="cli")
    except RoundError as err:
        fail("\n".join(err.errors.values()))
    click.echo(f"Đã tạo đợt khảo sát {code}.")


def _set_open(code: str, is_open: bool) -> None:
    from .rounds import round_by_code, set_round_open

    with transaction() as session:
        survey_round = round_by_code(session, code)
        if survey_round is None:
            fail(f"Không có đợt khảo sát mã '{code}'.")
        changed = set_round_open(session, None, survey_round, is_open, actor="cli")
    state = "mở" if is_open else "đóng"
    click.echo(f"Đã {state} đợt {code}." if changed else f"Đợt {code} vốn đã {state}.")


@rounds_cli.command("open")
@click.argument("code")
def rounds_open(code):
    """Open round CODE for data entry."""
    _set_open(code, True)


@rounds_cli.command("close")
@click.argument("code")
def rounds_close(code):
    """Close round CODE: no new or changed submissions."""
    _set_open(code, False)


@rounds_cli.command("list")
def rounds_list():
    """List the rounds."""
    from sqlalchemy import select

    from ..models import SurveyRound

    with transaction() as session:
        for r in session.scalars(select(SurveyRound).order_by(SurveyRound.period_start.desc(), SurveyRound.code)):
            click.echo(f"{r.code:12s} {'mở ' if r.is_open else 'đóng'} {r.period_start}..{r.period_end} "
                       f"{r.questionnaire_version.form_id} {r.questionnaire_version.version} "
                       f"[{', '.join(a.code for a in r.areas)}] {r.name}")
