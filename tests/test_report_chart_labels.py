"""The report's SVG bar chart wraps long labels and never clips them: every line of every label lies inside the
viewBox and inside the label column, measured with the real fonts (Pillow), and the lines put together give the
whole label back."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from survey_app.printing import STATIC_ROOT
from survey_app.reports.chart import FONT_SIZE, LABEL_GAP, LABEL_WIDTH, outcome_chart, text_width, wrap_label
from survey_app.reports.rollup import AreaFigures, OutcomeFigure

ImageFont = pytest.importorskip("PIL.ImageFont")
SVG = "{http://www.w3.org/2000/svg}"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONTS = [path for path in (DEJAVU, Path(STATIC_ROOT) / "fonts" / "NotoSerif-Regular.ttf") if path.exists()]
LONG = ("Biết áp dụng khoa học kỹ thuật vào sản xuất, chọn giống cây trồng, vật nuôi có giá trị kinh tế cao và "
        "chi tiêu hợp lý")[:90]
UNBROKEN = "Tiêuchíviếtliềnkhôngcókhoảngtrắngnàođểxuốngdòngcảmàvẫnphảinằmgọntrongcộtnhãncủabiểuđồ"


def _real_width(text: str, size: float = FONT_SIZE) -> float:
    return max(ImageFont.truetype(str(path), 100).getlength(text) * size / 100 for path in FONTS)


def _figures(labels: list[str]) -> AreaFigures:
    outcomes = [OutcomeFigure(f"o{i}", label, 3, 4) for i, label in enumerate(labels)]
    return AreaFigures(area=None, denominator=4, outcomes=outcomes)


def _ruleset_labels() -> list[str]:
    labels = []
    for path in Path("forms/rulesets").glob("*.yaml"):
        for outcome in yaml.safe_load(path.read_text(encoding="utf-8"))["outcomes"]:
            labels += [outcome["label"], *(c["label"] for c in outcome["criteria"])]
    return labels


@pytest.mark.skipif(not FONTS, reason="no font file to measure with")
def test_the_width_estimate_is_never_narrower_than_the_fonts_draw():
    for text in [*_ruleset_labels(), LONG, UNBROKEN, "MWMWMW 100,0% — …", "ằẳẵặẫậ ưừứửữự ĐƠN VỊ"]:
        assert text_width(text) >= _real_width(text), text


@pytest.mark.skipif(not FONTS, reason="no font file to measure with")
@pytest.mark.parametrize("labels", [[LONG], [LONG, "Thoát nghèo", UNBROKEN, LONG.upper()], _ruleset_labels()])
def test_every_label_line_is_inside_the_viewbox_and_the_label_column(labels):
    assert len(LONG) == 90
    root = ET.fromstring(str(outcome_chart(_figures(labels), "Kết quả")))
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    drawn = [text for text in root.iter(f"{SVG}text") if text.get("class") == "chart-label"]
    assert len(drawn) == len(labels)
    previous_bottom = 0.0
    for label, text in zip(labels, drawn):
        assert text.find(f"{SVG}title").text == label  # the whole label as a tooltip too
        lines = text.findall(f"{SVG}tspan")
        assert " ".join(line.text for line in lines).replace(" ", "") == label.replace(" ", "")  # nothing cut
        for line in lines:
            x, y = float(line.get("x")), float(line.get("y"))
            assert x >= 0 and x + _real_width(line.text) <= LABEL_WIDTH - LABEL_GAP / 2 <= width
            assert 0 <= y - FONT_SIZE and y + FONT_SIZE * 0.3 <= height  # ascent with diacritics, descent
        top, bottom = float(lines[0].get("y")) - FONT_SIZE, float(lines[-1].get("y")) + FONT_SIZE * 0.3
        assert top >= previous_bottom, "a label runs into the one above it"
        previous_bottom = bottom
    assert max(len(t.findall(f"{SVG}tspan")) for t in drawn) >= 2  # the long label did wrap


def test_wrapping_keeps_words_and_breaks_only_an_unbreakable_word():
    assert wrap_label("Thoát nghèo", 300) == ["Thoát nghèo"]
    lines = wrap_label(LONG, 200)
    assert len(lines) >= 3 and " ".join(lines) == LONG
    assert all(text_width(line) <= 200 for line in lines)
    pieces = wrap_label(UNBROKEN, 150)
    assert "".join(pieces) == UNBROKEN and all(text_width(piece) <= 150 for piece in pieces)
    assert wrap_label("", 100) == [""]
