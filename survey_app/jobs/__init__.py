"""Background jobs: a `job` row per job (the user's record), its id on a Huey queue (SQLite by default, Redis
with REDIS_URL), and a worker process, ``flask jobs worker``, running a bounded number at once. See service.py
for the protocol and queue.py for the queue.
"""
