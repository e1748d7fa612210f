"""TRUSTED_PROXIES: behind a reverse proxy the login throttle per address counts the clients, not the proxy;
without the setting a forged X-Forwarded-For changes nothing."""
from __future__ import annotations

from survey_app import register_proxy_fix
from survey_app.auth.service import LOGIN_REFUSED
from tests.conftest import csrf_token

PROXY = "10.0.0.1"
RIGHT = "matkhau123"


def _client_behind_proxy(app, client_address: str):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)
    return client


def _post_login(client, username, password):
    return client.post("/login", data={"csrf_token": csrf_token(client, "/login"), "username": username,
                                       "password": password})


def _exhaust_the_address_allowance(app, client):
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        _post_login(client, f"ten{n}", "sai-mat-khau")


def test_behind_a_trusted_proxy_the_throttle_sees_each_client(app, world, monkeypatch):
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # restored after the test
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    register_proxy_fix(app)
    attacker = _client_behind_proxy(app, "203.0.113.9")
    _exhaust_the_address_allowance(app, attacker)
    assert LOGIN_REFUSED in _post_login(attacker, "admin", RIGHT).get_data(as_text=True)
    bystander = _client_behind_proxy(app, "198.51.100.7")  # same proxy, another client
    assert _post_login(bystander, "admin", RIGHT).status_code == 302


def test_without_trusted_proxies_a_forged_header_is_ignored(app, world):
    assert app.config["TRUSTED_PROXIES"] == 0
    attacker = _client_behind_proxy(app, "203.0.113.9")
    _exhaust_the_address_allowance(app, attacker)
    forger = _client_behind_proxy(app, "198.51.100.7")  # the same machine claiming another address
    assert LOGIN_REFUSED in _post_login(forger, "admin", RIGHT).get_data(as_text=True)
