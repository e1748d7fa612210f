"""The ingest benchmark's baseline: a bare Flask endpoint that parses the same JSON and inserts it into the same
database, served by the same gunicorn settings. What the real save path is compared with.

    DATABASE_URL=... gunicorn --workers 2 --threads 4 bench.bare_app:app
"""
from __future__ import annotations

import json
import os

from flask import Flask, jsonify, request
from sqlalchemy import text

from survey_app.config import normalise_database_url
from survey_app.database import make_engine

TABLE = "bench_bare_submission"

app = Flask(__name__)
engine = make_engine(normalise_database_url(os.environ["DATABASE_URL"]))


def create_table() -> None:
    with engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY"
                          f"{' AUTOINCREMENT' if engine.dialect.name == 'sqlite' else ' GENERATED ALWAYS AS IDENTITY'}"
                          f", uuid VARCHAR(36) UNIQUE NOT NULL, household VARCHAR(40) NOT NULL, answers TEXT NOT NULL)"))


@app.post("/api/v1/submissions")
def save():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("uuid"), str):
        return jsonify({"error": "bad request"}), 422
    with engine.begin() as conn:
        inserted = conn.execute(text(f"INSERT INTO {TABLE} (uuid, household, answers) VALUES (:u, :h, :a) "
                                     f"ON CONFLICT (uuid) DO NOTHING"),
                                {"u": body["uuid"], "h": body.get("household", ""),
                                 "a": json.dumps(body.get("answers"), ensure_ascii=False)}).rowcount
    return jsonify({"uuid": body["uuid"], "duplicate": not inserted}), 201 if inserted else 200


@app.get("/ping")
def ping():
    return "ok"
