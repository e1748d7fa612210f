"""Configuration for several app servers behind one address: the key and the database from the environment in
production, the generated key as the single machine's default, job files under STORAGE_DIR."""
from __future__ import annotations

import pytest

from survey_app import config


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("SECRET_KEY", "DATABASE_URL", "SURVEY_ENV", "STORAGE_DIR"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_secret_key_comes_from_the_environment(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", "shared-by-every-server")
    assert config.from_environment(tmp_path)["SECRET_KEY"] == "shared-by-every-server"
    assert not (tmp_path / "secret_key").exists()  # nothing written to one server's disk


def test_single_machine_default_generates_the_key_once_into_instance(clean_env, tmp_path):
    first = config.from_environment(tmp_path)
    assert len(first["SECRET_KEY"]) == 64 and (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert config.from_environment(tmp_path)["SECRET_KEY"] == first["SECRET_KEY"]
    assert first["SURVEY_ENV"] == "development"
    assert first["DATABASE_URL"] == f"sqlite:///{tmp_path / 'survey.sqlite3'}"


@pytest.mark.parametrize("present, missing", [
    ({}, "SECRET_KEY, DATABASE_URL"),
    ({"DATABASE_URL": "postgresql://db/survey"}, "SECRET_KEY"),
    ({"SECRET_KEY": "k"}, "DATABASE_URL"),
    ({"SECRET_KEY": "  ", "DATABASE_URL": "postgresql://db/survey"}, "SECRET_KEY"),
])
def test_production_refuses_to_start_without_shared_key_and_database(clean_env, tmp_path, present, missing):
    clean_env.setenv("SURVEY_ENV", "production")
    for name, value in present.items():
        clean_env.setenv(name, value)
    with pytest.raises(config.ConfigurationError, match=f"thiếu biến môi trường {missing} "):
        config.from_environment(tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_production_starts_with_both(clean_env, tmp_path):
    clean_env.setenv("SURVEY_ENV", "Production")
    clean_env.setenv("SECRET_KEY", "k" * 40)
    clean_env.setenv("DATABASE_URL", "postgresql://db/survey")
    settings = config.from_environment(tmp_path)
    assert settings["SURVEY_ENV"] == "production"
    assert settings["DATABASE_URL"] == "postgresql+psycopg://db/survey"


def test_create_app_refuses_in_production_without_key(clean_env):
    from survey_app import create_app

    clean_env.setenv("SURVEY_ENV", "production")
    clean_env.setenv("DATABASE_URL", "postgresql://db/survey")
    with pytest.raises(config.ConfigurationError):
        create_app({"TESTING": True})


def test_storage_dir_defaults_under_instance_and_follows_the_environment(clean_env, tmp_path):
    assert config.from_environment(tmp_path)["STORAGE_DIR"] == str(tmp_path / "storage")
    clean_env.setenv("STORAGE_DIR", "/srv/survey-shared")
    assert config.from_environment(tmp_path)["STORAGE_DIR"] == "/srv/survey-shared"
