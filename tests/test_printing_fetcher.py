"""The print URL fetcher serves the static folder and nothing else (no rendering here)."""

import base64
import os
from pathlib import Path

import pytest

from survey_app.printing import STATIC_ROOT, ResourceRefused, StaticOnlyURLFetcher


@pytest.fixture
def static_root(tmp_path: Path) -> Path:
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "css" / "site.css").write_text("body { color: black }", encoding="utf-8")
    (root / "img").mkdir()
    (root / "img" / "logo.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    return root


def test_serves_static_files_by_path_and_app_url(static_root):
    fetcher = StaticOnlyURLFetcher(static_root)
    for url in ("/static/css/site.css", "app:/static/css/site.css", "app:///static/css/site.css"):
        response = fetcher.fetch(url)
        assert response.read() == b"body { color: black }"
        assert response.content_type == "text/css"
        assert response.url == "/static/css/site.css"
    assert fetcher.fetch("/static/img/logo.png?v=3#x").content_type == "image/png"
    assert fetcher.refused == []
    assert len(fetcher.served) == 4


def test_serves_percent_encoded_names(static_root):
    (static_root / "img" / "ảnh hộ.png").write_bytes(b"png")
    fetcher = StaticOnlyURLFetcher(static_root)
    assert fetcher.fetch("/static/img/%E1%BA%A3nh%20h%E1%BB%99.png").read() == b"png"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/hosts",
        "http://127.0.0.1:1/x.png",
        "https://127.0.0.1/x.css",
        "ftp://127.0.0.1/x",
        "//127.0.0.1/static/css/site.css",
        "app://127.0.0.1/static/css/site.css",
        "gopher://127.0.0.1/",
        "/static/../secret.txt",
        "/static/../../../etc/passwd",
        "/static/css/../../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E%2Fsecret.txt",
        "/static/..%5csecret.txt",
        "/static//etc/passwd",
        "/static/./css/site.css",
        "/static/css/site.css%00.png",
        "/etc/passwd",
        "../secret.txt",
        "css/site.css",
        "/static/css/missing.css",
        "/static/css",
        "data:text/html,<h1>hi</h1>",
        "data:text/css,body{}",
        "data:image/png;base64,@@@not base64@@@",
        "data:image/png",
    ],
)
def test_refuses_everything_else_without_reading(static_root, url):
    fetcher = StaticOnlyURLFetcher(static_root)
    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    assert [refused.url for refused in fetcher.refused] == [url]
    assert fetcher.served == []


def test_refusal_is_a_plain_exception_so_weasyprint_keeps_rendering(static_root):
    # WeasyPrint aborts on BaseException subclasses (FatalURLFetchingError) only.
    assert issubclass(ResourceRefused, Exception)
    assert StaticOnlyURLFetcher(static_root)._fail_on_errors is False


def test_symlink_out_of_static_is_refused(static_root, tmp_path):
    link = static_root / "css" / "escape.css"
    try:
        os.symlink(tmp_path / "secret.txt", link)
    except OSError:  # pragma: no cover - filesystems without symlinks
        pytest.skip("symlinks not supported here")
    fetcher = StaticOnlyURLFetcher(static_root)
    with pytest.raises(ResourceRefused, match="leaves the static folder"):
        fetcher.fetch("/static/css/escape.css")


def test_small_image_data_urls_are_allowed(static_root):
    fetcher = StaticOnlyURLFetcher(static_root)
    payload = base64.b64encode(b"\x89PNG small").decode()
    response = fetcher.fetch(f"data:image/png;base64,{payload}")
    assert response.read() == b"\x89PNG small"
    assert response.content_type == "image/png"
    svg = fetcher.fetch("data:image/svg+xml,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22%2F%3E")
    assert svg.read().startswith(b"<svg")


def test_large_data_urls_are_refused(static_root):
    fetcher = StaticOnlyURLFetcher(static_root, max_data_url_bytes=1000)
    just_fits = base64.b64encode(b"x" * 1000).decode()
    assert len(fetcher.fetch(f"data:image/png;base64,{just_fits}").read()) == 1000
    too_big = base64.b64encode(b"x" * 1001).decode()
    with pytest.raises(ResourceRefused, match="too large"):
        fetcher.fetch(f"data:image/png;base64,{too_big}")
    with pytest.raises(ResourceRefused, match="too large"):
        fetcher.fetch("data:image/svg+xml," + "a" * 3001)


def test_app_static_root_contains_print_assets():
    fetcher = StaticOnlyURLFetcher(STATIC_ROOT)
    assert fetcher.fetch("/static/css/print.css").content_type == "text/css"
    font = fetcher.fetch("/static/fonts/NotoSerif-Regular.ttf").read()
    assert font[:4] == b"\x00\x01\x00\x00"  # TrueType signature
    assert (STATIC_ROOT / "fonts" / "OFL.txt").is_file()
    total = sum(path.stat().st_size for path in (STATIC_ROOT / "fonts").iterdir())
    assert total < 3 * 1024 * 1024
