"""Demo data commands: `flask seed-demo` (the small demo with its logins) and `flask demo generate` (a synthetic
province for benches)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..commands import transaction

demo_cli = AppGroup("demo", help="Dữ liệu mẫu tổng hợp.")


@click.command("seed-demo")
def seed_demo_command():
    """Load the demo data (once; running it again changes nothing)."""
    from .seed import DEMO_LOGINS, DEMO_PASSWORD, seed_demo

    with transaction() as session:
        loaded = seed_demo(session)
    click.echo("Đã nạp dữ liệu mẫu." if loaded else "Dữ liệu mẫu đã có sẵn, không nạp lại.")
    click.echo(f"Tài khoản mẫu (mật khẩu: {DEMO_PASSWORD}):")
    for username, what in DEMO_LOGINS:
        click.echo(f"  {username:10s} {what}")


@demo_cli.command("generate")
@click.option("--households", type=click.IntRange(1, 2_000_000), required=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--no-versions", is_flag=True, help="Không ghi bản lưu phiếu (nhanh hơn, cho benchmark).")
def demo_generate(households, seed, no_versions):
    """Sinh một tỉnh tổng hợp: địa bàn, hộ, phiếu hai đợt khảo sát và kết quả chấm điểm."""
    from .generate import GenerateError, generate

    try:
        with transaction() as session:
            report = generate(session, households=households, seed=seed, versions=not no_versions)
    except GenerateError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"Đã sinh {report.households} hộ ở {report.villages} thôn, {report.submissions} phiếu, "
               f"{report.results} kết quả chấm điểm (đợt {', '.join(report.rounds)}) trong {report.seconds:.1f} giây.")
