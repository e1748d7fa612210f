"""`flask jobs worker`: the process that runs background jobs (started by `make run`, or by systemd:
docs/deployment.md)."""
from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Công việc nền (tập hồ sơ in): tiến trình chạy hàng đợi.")


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Số công việc chạy cùng lúc (mặc định JOB_WORKERS, 2).")
def worker_command(workers):
    """Run queued jobs until Ctrl-C or SIGTERM (a running job is finished first)."""
    from .consumer import JobWorker
    from .enqueue import job_queue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    config = current_app.config
    queue = job_queue(current_app)
    where = f"Redis {config['REDIS_URL']}" if config.get("REDIS_URL") else config["JOB_QUEUE_FILE"]
    count = workers or config["JOB_WORKERS"]
    click.echo(f"Hàng đợi công việc: {where}; {count} công việc cùng lúc.")
    JobWorker(queue, config["DATABASE_URL"], count).run()
