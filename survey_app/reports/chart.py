"""A horizontal bar chart of each outcome's percentage against its target, drawn on the server as inline SVG
(it prints, and needs no script). Percentages run 0–100 %; the target is a dark tick with its value.

Labels are never cut: each one is wrapped onto as many lines as it needs inside the label column, and each row is
as tall as its label. The server cannot measure text, so widths are estimated on the wide side (``text_width``:
per-character widths at least those of DejaVu Sans and Noto Serif, the fonts of the page and of the PDF), and
the SVG names DejaVu Sans so that what is drawn is what was measured.
"""
from __future__ import annotations

import unicodedata

from markupsafe import Markup, escape

from survey_app.core.formatting import DEFAULT_PERCENT_RULE, PercentRule, format_percent
from survey_app.reports.rollup import AreaFigures

FONT = "DejaVu Sans, Noto Sans, Arial, sans-serif"
FONT_SIZE = 14
LINE = 17  # line height of a wrapped label
LABEL_WIDTH = 300  # the label column, labels start at LABEL_PAD and end LABEL_GAP before the bars
LABEL_PAD = 4
LABEL_GAP = 10
BAR_WIDTH = 330
VALUE_WIDTH = 70  # room right of the bars for "100,0%"
# 700 units wide: drawn at about its own size in a tablet's card (768 px) and on an A4 page
ROW = 34  # a one-line row
TOP = 24
BOTTOM = 26

# Widths in em, each at least the widest glyph of its group in DejaVu Sans and Noto Serif (diacritics included:
# "ằ" is as wide as "a").
_NARROW = set(" .,:;'!|ijlI/-ft()[]")
_WIDE = set("mwMW%—…")
_EM_NARROW, _EM_WIDE, _EM_UPPER, _EM_OTHER = 0.42, 1.05, 0.92, 0.68


def _char_width(char: str) -> float:
    base = unicodedata.normalize("NFD", char)[:1] or char
    if base in _NARROW:
        return _EM_NARROW
    if base in _WIDE:
        return _EM_WIDE
    if base.isupper():
        return _EM_UPPER
    return _EM_OTHER


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """A width in px that the text, drawn in ``FONT`` at ``font_size``, does not exceed."""
    return sum(_char_width(char) for char in text) * font_size


def wrap_label(text: str, width: float, font_size: float = FONT_SIZE) -> list[str]:
    """The text in lines of at most ``width`` px (``text_width``), broken between words; a word longer than a
    line is broken inside it."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while text_width(word, font_size) > width:  # a very long word: cut it where it fills a line
            cut = 1
            while text_width(word[:cut + 1], font_size) <= width:
                cut += 1
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font_size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def outcome_chart(figures: AreaFigures, title: str, rule: PercentRule = DEFAULT_PERCENT_RULE) -> Markup:
    rows = figures.outcomes
    labels = [wrap_label(o.label, LABEL_WIDTH - LABEL_PAD - LABEL_GAP) for o in rows]
    heights = [max(ROW, len(lines) * LINE + 12) for lines in labels]
    height = TOP + sum(heights) + BOTTOM
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [f'<svg class="report-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_WIDTH + BAR_WIDTH * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - BOTTOM + 4}" stroke="#d7dde5"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" fill="#5b6675">'
                     f"{tick}%</text>")
    y = TOP
    for outcome, lines, row_height in zip(rows, labels, heights):
        middle = y + row_height / 2
        percent = outcome.percent or 0.0
        met = outcome.met
        colour = "#2e7d4f" if met else ("#c0392b" if met is False else "#0a5cad")
        first = middle - len(lines) * LINE / 2 + 12  # baseline of the first line
        spans = "".join(f'<tspan x="{LABEL_PAD}" y="{first + i * LINE:.1f}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
        parts.append(f'<text class="chart-label" font-size="{FONT_SIZE}" fill="#1f2933">'
                     f"<title>{escape(outcome.label)}</title>{spans}</text>")
        bar = BAR_WIDTH * min(percent, 100) / 100
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{middle - 9:.1f}" width="{bar:.1f}" height="18" '
                     f'fill="{colour}" rx="2"/>')
        value = format_percent(outcome.count, outcome.population, *rule)
        value_x = min(LABEL_WIDTH + bar + 5, width - text_width(value, 13) - 2)
        parts.append(f'<text x="{value_x:.1f}" y="{middle + 5:.1f}" font-size="13" fill="#1f2933">'
                     f"{escape(value)}</text>")
        if outcome.target is not None:
            x = LABEL_WIDTH + BAR_WIDTH * min(outcome.target.percent, 100) / 100
            parts.append(f'<line x1="{x:.1f}" y1="{middle - 13:.1f}" x2="{x:.1f}" y2="{middle + 13:.1f}" '
                         f'stroke="#111" stroke-width="3"><title>Chỉ tiêu {escape(outcome.target.text)}</title></line>')
        y += row_height
    parts.append("</svg>")
    return Markup("".join(parts))
