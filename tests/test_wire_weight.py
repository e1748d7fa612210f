"""Light on the wire (issue 11, item 8): compressed responses, static files under content-hashed URLs cached for a
year, the questionnaire definition once per version (ETag, 304), and the bytes of the form page and of the
device package for a village of 300 households, printed (compressed and not)."""
from __future__ import annotations

import gzip
import json
import re

import brotli
import pytest
from flask import url_for
from sqlalchemy import select

from survey_app.models import Household
from survey_app.security_headers import IMMUTABLE
from survey_app.static_files import static_version
from tests.conftest import login
from tests.support.fieldwork import ROUND_CODE
from tests.support.review import send, small_round
from tests.support.sync import PACKAGE, bearer, returned_submission
from tests.test_api_openapi import assert_matches

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium sends
GZIP = {"Accept-Encoding": "gzip"}
ASSET = re.compile(r'(?:src|href)="(/(?:static|review/static)/[^"]+)"')


def decoded(response) -> bytes:
    data, encoding = response.get_data(), response.headers.get("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "br":
        return brotli.decompress(data)
    assert encoding is None, encoding
    return data


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def test_pages_and_json_are_compressed_with_gzip_or_brotli(client, session, world, campaign):
    login(client, "dieutra")
    page = client.get("/fieldwork/", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
    assert "Hộ" in decoded(page).decode()
    assert client.get("/fieldwork/", headers=BROWSER).headers["Content-Encoding"] == "br"
    rounds = client.get("/api/v1/rounds", headers=GZIP)
    assert rounds.headers["Content-Encoding"] == "gzip" and json.loads(decoded(rounds))["items"]
    assert rounds.headers["Cache-Control"] == "no-store"  # compression does not change what may be kept
    small = client.get("/api/v1/me", headers=GZIP)
    assert len(small.get_data()) < 500 and "Content-Encoding" not in small.headers
    assert "Content-Encoding" not in client.get("/fieldwork/").headers  # a client that asks for none gets none


def test_pdfs_are_not_compressed(client, session, world, monkeypatch):
    from survey_app.printing import views as paper_views

    monkeypatch.setattr(paper_views, "render_template_pdf", lambda *args, **kwargs: b"%PDF-1.4\n" + b"0" * 5000)
    login(client, "dieutra")
    response = client.get("/households/HV1-001/sheet.pdf", headers=BROWSER)
    assert response.mimetype == "application/pdf" and "Content-Encoding" not in response.headers


def test_static_urls_carry_the_content_hash_and_are_immutable_under_it(app, client):
    with app.test_request_context():
        url = url_for("static", filename="css/app.css")
        review_url = url_for("review.static", filename="review.css")
        assert url_for("static", filename="css/khong-co.css") == "/static/css/khong-co.css"  # no file, no hash
        assert static_version("static", "../config.py") is None
    path, _, version = url.partition("?v=")
    assert re.fullmatch(r"[0-9a-f]{16}", version) and re.search(r"\?v=[0-9a-f]{16}\Z", review_url)
    hashed = client.get(url, headers=BROWSER)
    assert hashed.status_code == 200 and hashed.headers["Cache-Control"] == IMMUTABLE
    assert client.get(review_url).headers["Cache-Control"] == IMMUTABLE
    assert client.get(path).headers["Cache-Control"] == "no-cache"  # unversioned: revalidated
    assert client.get(f"{path}?v=0000000000000000").headers["Cache-Control"] == "no-cache"  # not this content


def test_the_definition_is_sent_once_per_version(client, session, world):
    survey_round = small_round(session)
    session.commit()
    headers = bearer(session, world.users["dieutra"])
    url = f"/api/v1/questionnaires/{survey_round.questionnaire_version_id}/definition"
    first = client.get(url, headers=headers)
    assert first.status_code == 200 and first.headers["Cache-Control"] == IMMUTABLE
    assert_matches(first, "/questionnaires/{version_id}/definition")
    data = first.get_json()
    rounds = client.get("/api/v1/rounds", headers=headers).get_json()["items"]
    assert data["definition"] == rounds[0]["definition"] and data["version"] == "1"
    etag = first.headers["ETag"]
    again = client.get(url, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["Cache-Control"] == IMMUTABLE
    compressed = client.get(url, headers={**headers, **GZIP})
    tagged = compressed.headers["ETag"]  # "<tag>:gzip", still strong
    assert compressed.headers["Content-Encoding"] == "gzip" and tagged.endswith(':gzip"')
    assert client.get(url, headers={**headers, **GZIP, "If-None-Match": tagged}).status_code == 304
    unknown = client.get("/api/v1/questionnaires/999999/definition", headers=headers)
    assert unknown.status_code == 404 and unknown.headers["Cache-Control"] == "no-store"
    assert unknown.get_json()["message"] == "Không có phiên bản bảng hỏi số 999999."


def _form_load(client, url: str, fetched: set[str]) -> tuple[int, int, int]:
    """(HTML bytes, bytes of every asset not fetched before, the same compressed as sent) of one page load."""
    page = client.get(url, headers=BROWSER)
    html = decoded(page)
    raw, wire = len(html), len(page.get_data())
    for asset in ASSET.findall(html.decode()):
        if asset in fetched:
            continue  # immutable: the browser keeps it
        fetched.add(asset)
        response = client.get(asset.replace("&amp;", "&"), headers=BROWSER)
        assert response.status_code == 200, asset
        raw, wire = raw + len(decoded(response)), wire + len(response.get_data())
    return len(html), raw, wire


def test_form_page_weight_first_load_and_a_second_household(client, session, world, factories, campaign, capsys):
    factories.household(world.areas["V1"], code="HV1-002")
    session.commit()
    login(client, "dieutra")
    fetched: set[str] = set()
    first_page = client.get(f"/fieldwork/{ROUND_CODE}/HV1-001").get_data(as_text=True)
    assert 'data-definition-url="/api/v1/questionnaires/' in first_page
    html_first, raw_first, wire_first = _form_load(client, f"/fieldwork/{ROUND_CODE}/HV1-001", fetched)
    html_second, raw_second, wire_second = _form_load(client, f"/fieldwork/{ROUND_CODE}/HV1-002", fetched)
    definition = re.search(r'(id="form-definition">)(.*?)(</script>)', first_page, re.S)
    embedded = len(definition.group(2).encode())
    without = first_page.replace(definition.group(0), definition.group(1) + definition.group(3)).encode()
    version_id = campaign.questionnaire_version_id
    definition_plain = client.get(f"/api/v1/questionnaires/{version_id}/definition")
    definition_wire = client.get(f"/api/v1/questionnaires/{version_id}/definition", headers=BROWSER)
    with capsys.disabled():
        print(f"\nquestionnaire definition, once per version: {kb(len(definition_plain.get_data()))} uncompressed, "
              f"{kb(len(definition_wire.get_data()))} compressed")
        print(f"form page, first load: {kb(raw_first)} uncompressed, {kb(wire_first)} compressed "
              f"(HTML {kb(html_first)}, of it the embedded definition {kb(embedded)})")
        print(f"form page, second household: {kb(raw_second)} uncompressed, {kb(wire_second)} compressed")
        print(f"form page HTML once the view reads data-definition-url instead: {kb(len(without))} uncompressed, "
              f"{kb(len(gzip.compress(without, 6)))} gzip")
    assert wire_first < raw_first / 3 and wire_second < raw_second / 3
    assert wire_first < 150 * 1024  # the goal for the first load
    assert raw_second == html_second  # every asset came from the cache


def test_device_package_for_a_village_of_300_households(client, session, world, factories, capsys):
    small_round(session, areas=("V1",))
    for n in range(2, 301):
        factories.household(world.areas["V1"], code=f"HV1-{n:03d}", head_name=f"Đinh Văn Hộ {n}",
                            statuses={2024: "ngheo" if n % 3 else "can_ngheo"})
    session.commit()
    households = list(session.scalars(select(Household).where(Household.code.like("HV1-%"))
                                      .order_by(Household.code)))
    returned_submission(session, world)
    for household in households[1:80]:
        send(session, world.users["dieutra"], household)
    session.commit()
    headers = bearer(session, world.users["dieutra"])
    plain = client.get(PACKAGE, headers=headers)
    data = plain.get_json()
    assert len(data["households"]) == 300 and len(data["returned"]) == 1
    compressed = client.get(PACKAGE, headers={**headers, **GZIP})
    with_br = client.get(PACKAGE, headers={**headers, **BROWSER})
    raw, gz, br = len(plain.get_data()), len(compressed.get_data()), len(with_br.get_data())
    with capsys.disabled():
        print(f"\ndevice package, 300 households (80 surveyed, 1 returned): {kb(raw)} uncompressed, "
              f"{kb(gz)} gzip, {kb(br)} brotli")
    assert compressed.headers["Content-Encoding"] == "gzip" and gz < raw / 4
    assert gz < 40 * 1024


@pytest.mark.parametrize("path", ["/api/v1/device/package"])
def test_compressed_json_decodes_to_the_same_package(client, session, world, path):
    small_round(session)
    session.commit()
    headers = bearer(session, world.users["dieutra"])
    plain = client.get(path, headers=headers).get_json()
    packed = json.loads(decoded(client.get(path, headers={**headers, **GZIP})))
    assert {k: v for k, v in packed.items() if k not in ("cursor", "server_time")} == {
        k: v for k, v in plain.items() if k not in ("cursor", "server_time")}
