"""Rendering print templates to PDF, checked with poppler-utils (pdftotext, pdffonts, pdftoppm).

Set PRINT_SAMPLE_DIR=/some/folder to keep the rendered sample PDF and its PNG pages for a
visual check.
"""

import datetime as dt
import os
import shutil
import socket
from pathlib import Path

import jinja2
import pytest

from survey_app.core.formatting import format_money
from survey_app.printing import (
    STATIC_ROOT,
    StaticOnlyURLFetcher,
    make_print_environment,
    render_pdf,
    render_template_html,
    render_template_pdf,
)
from tests.support.pdf import needs_poppler, page_count, page_texts, run, write_pdf

SHIPPED_FONT_FAMILY = "Survey-Print-Serif"

SAMPLE_TEMPLATE = """{% extends "print/base.html" %}
{% import "print/macros.html" as m %}
{% block content %}
{{ m.admin_header("UBND xã Măng Cành", "Thôn Kon Tu Rằng 2", place="Măng Cành", date=issued, number="12/PTT-TKTR2") }}
{{ m.document_title("Phiếu thông tin hộ gia đình", "Cuộc vận động năm 2023") }}
{{ m.fields([("Họ và tên chủ hộ", head_name), ("Dân tộc", "Rơ Măm"), ("Ghi chú", note), ("Số điện thoại", none)]) }}
{{ m.data_table(
     [{"label": "STT", "class": "center", "width": "9%"}, "Họ và tên",
      {"label": "Năm sinh", "class": "center"}, {"label": "Thu nhập/tháng", "class": "num"}],
     members, footer=["", "Tổng cộng", "", total | format_money], caption="Thành viên trong hộ") }}
<p>Hộ tham gia tổ hợp tác trong thôn: {{ 1714 | format_ratio(2598) }}.</p>
{{ m.signature_blocks(["Chủ hộ", {"title": "Điều tra viên", "name": enumerator}, "Trưởng thôn",
                       {"title": "Xác nhận của UBND xã", "hint": "(Ký tên, đóng dấu)"}],
                      place="Măng Cành", date=none) }}
{% endblock %}
"""

SIGNATURE_POSITION_TEMPLATE = """{% extends "print/base.html" %}
{% import "print/macros.html" as m %}
{% block content %}
<div style="height: {{ filler_mm }}mm">Phần đầu</div>
{{ m.signature_blocks(["Chủ hộ", {"title": "Điều tra viên", "name": "Đinh Thị Ữa"}, "Trưởng thôn",
                       "Xác nhận của UBND xã"], place="Kon Tum", date=signed) }}
{% endblock %}
"""

BOOKLET_TEMPLATE = """{% extends "print/base.html" %}
{% import "print/macros.html" as m %}
{% block content %}
{% for household in households %}
<section{% if not loop.first %} class="page-break"{% endif %}>
  {{ m.running_id("Mã hộ: " ~ household.code) }}
  {{ m.document_title("Hồ sơ hộ " ~ household.head) }}
</section>
{% endfor %}
{% endblock %}
"""

ESCAPE_TEMPLATE = """{% extends "print/base.html" %}
{% import "print/macros.html" as m %}
{% block content %}
{{ m.document_title(title) }}
{{ m.fields([("Ghi chú", note), ("Ảnh", picture)]) }}
{{ m.signature_blocks([{"title": "Chủ hộ", "name": note}]) }}
{% endblock %}
"""

NAMES = ["Y Nhung Rơ Măm", "Đinh Văn Ằm", "A Hữu", "Y Thị Ộp", "Ơ Đỹ Ểnh", "Nguyễn Thị Ỷ"]
# Every Vietnamese letter with a diacritic, in both cases (tone marks on the vowels).
VIETNAMESE_LETTERS = (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
)


@pytest.fixture(scope="module")
def env() -> jinja2.Environment:
    environment = make_print_environment()
    environment.loader = jinja2.ChoiceLoader(
        [
            jinja2.DictLoader(
                {
                    "sample.html": SAMPLE_TEMPLATE,
                    "signature_position.html": SIGNATURE_POSITION_TEMPLATE,
                    "booklet.html": BOOKLET_TEMPLATE,
                    "escape.html": ESCAPE_TEMPLATE,
                }
            ),
            environment.loader,
        ]
    )
    return environment


def sample_context(member_count: int = 40) -> dict:
    members = [
        [index + 1, NAMES[index % len(NAMES)], 1950 + index, format_money(350_000 + 12_345 * index)]
        for index in range(member_count)
    ]
    return {
        "document_title": "Phiếu thông tin hộ gia đình",
        "running_id": "Mã hộ: KTR2-0012",
        "issued": dt.date(2023, 2, 8),
        "head_name": "Y Nhung Rơ Măm",
        "note": "Hộ có " + VIETNAMESE_LETTERS + " " + VIETNAMESE_LETTERS.upper(),
        "members": members,
        "total": 123_456_789,
        "enumerator": "Đinh Văn Ằm",
    }


@pytest.fixture(scope="module")
def sample(env):
    """The sample document rendered once: (pdf bytes, fetcher)."""
    fetcher = StaticOnlyURLFetcher(STATIC_ROOT)
    pdf = render_template_pdf(env, "sample.html", sample_context(), STATIC_ROOT, url_fetcher=fetcher)
    return pdf, fetcher


def squeeze(text: str) -> str:
    return " ".join(text.split())


@needs_poppler
def test_sample_prints_header_names_and_page_numbers(sample, tmp_path):
    pdf, _ = sample
    assert pdf.startswith(b"%PDF")
    pages = page_texts(write_pdf(pdf, tmp_path))
    assert len(pages) >= 2
    first = squeeze(pages[0])
    for expected in (
        "UBND XÃ MĂNG CÀNH",
        "THÔN KON TU RẰNG 2",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Măng Cành, ngày 08 tháng 02 năm 2023",
        "Số: 12/PTT-TKTR2",
        "PHIẾU THÔNG TIN HỘ GIA ĐÌNH",
        "Y Nhung Rơ Măm",
        "Đinh Văn Ằm",
        "Ơ Đỹ Ểnh",
    ):
        assert expected in first, expected
    # The long run of letters wraps inside its cell (it is not clipped): compare without spaces.
    assert VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() in first.replace(" ", "")
    everything = squeeze(" ".join(pages))
    assert "1.714/2.598 (66,0%)" in everything
    assert "123.456.789 đ" in everything
    assert "Măng Cành, ngày ..... tháng ..... năm ........" in everything
    for number, text in enumerate(pages, start=1):
        flat = squeeze(text)
        assert f"Trang {number}/{len(pages)}" in flat
        assert "Mã hộ: KTR2-0012" in flat  # running identifier on every page
    # The table header row is repeated on the following pages.
    assert "Thu nhập/tháng" in squeeze(pages[1])
    # The totals row is printed once, after the last member.
    assert everything.count("Tổng cộng") == 1


@needs_poppler
def test_sample_uses_only_the_shipped_fonts(sample, tmp_path):
    pdf, fetcher = sample
    for style in ("Regular", "Bold", "Italic", "BoldItalic"):
        assert f"/static/fonts/NotoSerif-{style}.ttf" in fetcher.served
    listing = run("pdffonts", str(write_pdf(pdf, tmp_path))).splitlines()[2:]
    assert listing, "no font in the PDF"
    for line in listing:
        name, embedded = line.split()[0], line.split()[-5]
        # WeasyPrint names embedded @font-face fonts after their CSS family.
        assert name.split("+")[-1].startswith(SHIPPED_FONT_FAMILY), line
        assert embedded == "yes", line


@needs_poppler
def test_font_check_detects_a_fallback_font(tmp_path):
    """The check above is meaningful: without the shipped files another font shows up."""

    class NoFontsFetcher(StaticOnlyURLFetcher):
        def fetch(self, url, headers=None):
            if "/fonts/" in url:
                raise OSError("fonts disabled for this test")
            return super().fetch(url, headers)

    html = '<link rel="stylesheet" href="/static/css/print.css"><p>Đinh Văn Ằm</p>'
    pdf = render_pdf(html, static_root=STATIC_ROOT, url_fetcher=NoFontsFetcher(STATIC_ROOT))
    listing = run("pdffonts", str(write_pdf(pdf, tmp_path)))
    assert SHIPPED_FONT_FAMILY not in listing


def test_shipped_font_covers_vietnamese():
    from fontTools.ttLib import TTFont

    needed = set(VIETNAMESE_LETTERS + VIETNAMESE_LETTERS.upper() + "ĂÂÊÔƠƯĐ“”–—…")
    for style in ("Regular", "Bold", "Italic", "BoldItalic"):
        cmap = TTFont(STATIC_ROOT / "fonts" / f"NotoSerif-{style}.ttf").getBestCmap()
        missing = sorted(char for char in needed if ord(char) not in cmap)
        assert missing == [], (style, missing)


@needs_poppler
def test_hostile_urls_are_refused_and_nothing_is_fetched(tmp_path):
    # A local listener that must never see a connection.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        listener.setblocking(False)
        port = listener.getsockname()[1]
        hostile = {
            "file:///etc/passwd",
            "http://127.0.0.1:1/x.png",
            f"http://127.0.0.1:{port}/pixel.png",
            f"https://127.0.0.1:{port}/style.css",
            f"ftp://127.0.0.1:{port}/font.ttf",
            "/static/../../../etc/passwd",
            "file:///etc/hosts",
            f"http://127.0.0.1:{port}/imported.css",
        }
        html = f"""<!DOCTYPE html><html><head>
            <link rel="stylesheet" href="/static/css/print.css">
            <link rel="stylesheet" href="/static/../../../etc/passwd">
            <link rel="stylesheet" href="https://127.0.0.1:{port}/style.css">
            <style>
              @import url("http://127.0.0.1:{port}/imported.css");
              @font-face {{ font-family: Stolen; src: url("ftp://127.0.0.1:{port}/font.ttf"); }}
              body {{ background: url(file:///etc/hosts); }}
            </style></head><body>
            <p style="font-family: Stolen">Tài liệu thử</p>
            <img src="file:///etc/passwd">
            <img src="http://127.0.0.1:1/x.png">
            <img src="http://127.0.0.1:{port}/pixel.png">
            </body></html>"""
        fetcher = StaticOnlyURLFetcher(STATIC_ROOT)
        pdf = render_pdf(html, static_root=STATIC_ROOT, url_fetcher=fetcher)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected

    refused = {request.url for request in fetcher.refused}
    assert hostile <= refused, hostile - refused
    assert all(url.startswith(("/static/css/", "/static/fonts/")) for url in fetcher.served)
    text = run("pdftotext", str(write_pdf(pdf, tmp_path)), "-")
    assert "Tài liệu thử" in text
    assert "root:" not in text and "localhost" not in text
    passwd = Path("/etc/passwd").read_bytes()
    assert passwd[:40] not in pdf


@needs_poppler
def test_values_are_printed_as_text_not_markup(env, tmp_path):
    context = {
        "title": "<b>x</b>",
        "note": '<img src="/static/fonts/OFL.txt"> & <script>alert(1)</script>',
        "picture": '<img src="http://127.0.0.1:1/x.png">',
    }
    html = render_template_html(env, "escape.html", context)
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    fetcher = StaticOnlyURLFetcher(STATIC_ROOT)
    pdf = render_template_pdf(env, "escape.html", context, STATIC_ROOT, url_fetcher=fetcher)
    text = squeeze(run("pdftotext", str(write_pdf(pdf, tmp_path)), "-"))
    assert "<B>X</B>" in text  # the title is uppercased by CSS, but printed literally
    assert '<img src="/static/fonts/OFL.txt"> & <script>alert(1)</script>' in text
    assert '<img src="http://127.0.0.1:1/x.png">' in text
    assert fetcher.refused == []
    assert "/static/fonts/OFL.txt" not in fetcher.served


def test_environment_without_autoescape_is_refused(tmp_path):
    unsafe = jinja2.Environment(loader=jinja2.DictLoader({"x.html": "{{ value }}"}), autoescape=False)
    with pytest.raises(ValueError, match="autoescap"):
        render_template_pdf(unsafe, "x.html", {"value": "<b>x</b>"}, STATIC_ROOT)
    selective = jinja2.Environment(
        loader=jinja2.DictLoader({"x.html": "{{ value }}"}),
        autoescape=jinja2.select_autoescape(["html"]),
    )
    assert render_template_html(selective, "x.html", {"value": "<b>"}) == "&lt;b&gt;"


@needs_poppler
@pytest.mark.parametrize("filler_mm", [195, 205, 215, 225, 235, 245])
def test_signature_blocks_never_split_across_pages(env, filler_mm, tmp_path):
    """Wherever the block falls near the bottom of a page, all of it lands on one page."""
    pdf = render_template_pdf(
        env,
        "signature_position.html",
        {"filler_mm": filler_mm, "signed": dt.date(2024, 3, 5), "running_id": "Mã hộ: X"},
        STATIC_ROOT,
    )
    pages = [squeeze(text) for text in page_texts(write_pdf(pdf, tmp_path))]
    holding = [index for index, text in enumerate(pages) if "CHỦ HỘ" in text]
    assert len(holding) == 1
    page = pages[holding[0]]
    for part in (
        "Kon Tum, ngày 05 tháng 3 năm 2024",
        "ĐIỀU TRA VIÊN",
        "TRƯỞNG THÔN",
        "XÁC NHẬN CỦA",
        "UBND XÃ",
        "(Ký, ghi rõ họ tên)",
        "Đinh Thị Ữa",
    ):
        assert part in page, (filler_mm, part)


@needs_poppler
def test_booklet_sections_carry_their_own_running_id(env, tmp_path):
    households = [{"code": "KTR2-0001", "head": "A Hữu"}, {"code": "KTR2-0002", "head": "Y Thị Ộp"}]
    pdf = render_template_pdf(env, "booklet.html", {"households": households}, STATIC_ROOT)
    pages = [squeeze(text) for text in page_texts(write_pdf(pdf, tmp_path))]
    assert len(pages) == 2
    assert "Mã hộ: KTR2-0001" in pages[0] and "Trang 1/2" in pages[0]
    assert "Mã hộ: KTR2-0002" in pages[1] and "Trang 2/2" in pages[1]
    assert "KTR2-0002" not in pages[0]


@needs_poppler
def test_sample_converts_to_png_pages_with_ink_in_header_and_footer(sample, tmp_path):
    from PIL import Image

    pdf, _ = sample
    keep = os.environ.get("PRINT_SAMPLE_DIR")
    folder = Path(keep) if keep else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = write_pdf(pdf, folder, "sample.pdf")
    run("pdftoppm", "-r", "60", "-png", str(path), str(folder / "sample"))
    pngs = sorted(folder.glob("sample-*.png"))
    assert len(pngs) == page_count(path)
    for png in pngs:
        image = Image.open(png).convert("L")
        width, height = image.size
        assert abs(width - 496) <= 1 and abs(height - 702) <= 1  # A4 portrait at 60 dpi
        footer = image.crop((0, height - int(24 / 25.4 * 60), width, height))
        assert footer.getextrema()[0] < 128, f"no page number printed on {png.name}"
    header = Image.open(pngs[0]).convert("L").crop((0, 0, 496, 90))
    assert header.getextrema()[0] < 128, "no administrative header on page 1"


@needs_poppler
def test_landscape_sections_keep_the_footer(tmp_path):
    html = (
        '<link rel="stylesheet" href="/static/css/print.css">'
        '<div class="running-id">Báo cáo xã Măng Cành</div><p>Trang dọc</p>'
        '<section class="landscape"><p>Bảng ngang</p></section>'
    )
    path = write_pdf(render_pdf(html, static_root=STATIC_ROOT), tmp_path)
    sizes = [line for line in run("pdfinfo", "-f", "1", "-l", "2", str(path)).splitlines() if "size:" in line]
    assert "595.276 x 841.89" in sizes[0] and "841.89 x 595.276" in sizes[1]
    pages = [squeeze(text) for text in page_texts(path)]
    assert "Báo cáo xã Măng Cành Trang 2/2" in pages[1]


@needs_poppler
def test_relative_urls_inside_a_served_stylesheet_resolve_under_static(tmp_path):
    root = tmp_path / "static"
    (root / "css").mkdir(parents=True)
    (root / "fonts").mkdir()
    shutil.copy(STATIC_ROOT / "fonts" / "NotoSerif-Regular.ttf", root / "fonts" / "body.ttf")
    (root / "css" / "doc.css").write_text(
        '@font-face { font-family: "Relative Test"; src: url("../fonts/body.ttf"); }\n'
        'body { font-family: "Relative Test"; }\n',
        encoding="utf-8",
    )
    fetcher = StaticOnlyURLFetcher(root)
    html = '<link rel="stylesheet" href="css/doc.css"><link rel="stylesheet" href="/static/css/doc.css"><p>Rơ Măm</p>'
    pdf = render_pdf(html, static_root=root, url_fetcher=fetcher)
    assert "/static/fonts/body.ttf" in fetcher.served
    # A relative link from the document itself has no /static/ base: refused.
    assert [request.url for request in fetcher.refused] == ["css/doc.css"]
    assert "Relative-Test" in run("pdffonts", str(write_pdf(pdf, tmp_path)))
