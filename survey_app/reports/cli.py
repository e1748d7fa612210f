"""CLI group `targets`: load outcome targets from YAML files (forms/targets/)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..commands import transaction

targets_cli = AppGroup("targets", help="Chỉ tiêu của các kết quả (forms/targets/).")


@targets_cli.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--round", "round_code", default=None, help="Đợt áp dụng (thay cho 'round' trong tệp).")
def targets_load(files, round_code):
    """Nạp chỉ tiêu từ các tệp YAML (tất cả hoặc không tệp nào)."""
    from .targets import TargetError, load_target_file

    try:
        with transaction() as session:
            count = sum(len(load_target_file(session, f, round_code=round_code)) for f in files)
    except TargetError as err:
        raise click.ClickException("Không nạp được, không có gì thay đổi:\n" + "\n".join(err.lines)) from err
    click.echo(f"Đã ghi {count} chỉ tiêu.")


reports_cli = AppGroup("reports", help="Báo cáo: bảng tổng hợp theo thôn mà báo cáo cộng lên.")


@reports_cli.command("rebuild-summary")
def reports_rebuild_summary():
    """Tính lại từ đầu bảng tổng hợp theo thôn (kết quả đã chấm và danh sách hộ của từng đợt)."""
    from .summary import rebuild_summary

    with transaction() as session:
        results, lists = rebuild_summary(session)
    click.echo(f"Đã tính lại bảng tổng hợp: {results} dòng kết quả, {lists} dòng danh sách hộ.")
