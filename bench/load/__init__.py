"""Load and fault test: many enumerators syncing submissions and supervisors reading and printing, against
gunicorn on loopback, with a gunicorn worker SIGKILLed midway (run 1) and the whole server and the job workers
SIGKILLed and restarted midway (run 2); then every acknowledged submission must be stored exactly once.

    .venv/bin/python -m bench.load [--db sqlite|postgresql|both] [--requests 2000] [--clients 12]

Printed per run: requests per second, p50/p95 latency and statuses by endpoint, errors by status, the faults,
submissions acknowledged / stored / lost / duplicated, and 5xx outside the downtime. Exits 1 if anything was
lost or duplicated, a 5xx came outside the downtime, or a client crashed. PostgreSQL uses BENCH_DATABASE_URL
(default postgresql://postgres@127.0.0.1:5432/survey_bench), recreated for each run.
"""
