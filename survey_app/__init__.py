"""Household survey server for the ethnic-minority poverty campaign.

`create_app(config=None)` builds the Flask application from small `register_*`
steps. Nothing here queries the database: start-up stays fast and works on an
empty database.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import config as config_module
from .extensions import compress, csrf, db, login_manager

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FEATURES = ("home", "auth", "households", "admin", "api", "surveys", "fieldwork", "offline_app", "review", "printing",
            "reports")
"""The packages that serve pages or API routes, in registration order."""


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
    )
    app.config.from_mapping(config_module.from_environment(Path(app.instance_path)))
    if config:
        app.config.update(config)
        if "DATABASE_URL" in config:
            app.config["DATABASE_URL"] = config_module.normalise_database_url(config["DATABASE_URL"])

    register_extensions(app)
    register_proxy_fix(app)
    register_request_lifecycle(app)
    register_compression(app)
    register_security_headers(app)
    register_static_versions(app)
    register_template_helpers(app)
    register_input_bounds(app)
    register_blueprints(app)
    register_retries(app)
    register_error_handlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    from .auth.session import configure_login_manager

    configure_login_manager(login_manager)


def register_proxy_fix(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, the client's address is the one they put in X-Forwarded-For
    (so the login throttle per address counts clients, not the proxy). 0, the default, believes no header: a client
    talking to gunicorn directly could forge it. gunicorn already handles X-Forwarded-Proto (gunicorn.conf.py)."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=0, x_host=0, x_port=0, x_prefix=0)


def register_request_lifecycle(app: Flask) -> None:
    from .web import register_transaction_boundary

    register_transaction_boundary(app, db)


COMPRESSED_TYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                    "application/manifest+json", "image/svg+xml"]
"""What is worth compressing; PDFs, XLSX and images are compressed already, CSV stays as Excel expects it."""


def register_compression(app: Flask) -> None:
    """gzip or Brotli (Flask-Compress) for text above 500 bytes, in the app itself: the embedded server and
    gunicorn without a proxy compress too. Registered before the security headers: after-request hooks run in
    reverse, so it compresses the final response (and keeps the `ETag` strong: `"<tag>:<algorithm>"`)."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])  # static files are sent as streams
    compress.init_app(app)


def register_static_versions(app: Flask) -> None:
    """`url_for("static", ...)` gives content-hashed URLs (`static_files.py`)."""
    from .static_files import register_static_versions as register

    register(app)


def register_security_headers(app: Flask) -> None:
    from .security_headers import register_security_headers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from .access import register_template_globals
    from .templating import register_filters

    register_filters(app.jinja_env)
    register_template_globals(app)


def register_input_bounds(app: Flask) -> None:
    """Bounded client input (`<int:>` ids, JSON depth and numbers); before the blueprints, whose routes use the
    converter."""
    from .inputs import register_input_bounds as register

    register(app)


def register_blueprints(app: Flask) -> None:
    """Every feature package declares its blueprint as ``bp`` in its ``views.py``."""
    from importlib import import_module

    for package in FEATURES:
        app.register_blueprint(import_module(f".{package}.views", __name__).bp)


def register_retries(app: Flask) -> None:
    from .web import register_conflict_retries

    register_conflict_retries(app, db)


def register_error_handlers(app: Flask) -> None:
    from .problems import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from .cli import register_cli

    register_cli(app)
