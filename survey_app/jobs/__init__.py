"""Background jobs without extra servers: a `job` row, a detached worker process per job, a process pool inside
it. Works with the embedded default setup (SQLite); see service.py for the protocol."""
