"""A horizontal bar chart of each outcome's percentage against its target, drawn on the server as inline SVG
(it prints, and needs no script). Percentages run 0–100 %; the target is a dark tick with its value."""
from __future__ import annotations

from markupsafe import Markup, escape

from survey_app.core.formatting import DEFAULT_PERCENT_RULE, PercentRule, format_percent
from survey_app.reports.rollup import AreaFigures

LABEL_WIDTH = 330
BAR_WIDTH = 380
ROW = 34
TOP = 24


def _shorten(text: str, limit: int = 52) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def outcome_chart(figures: AreaFigures, title: str, rule: PercentRule = DEFAULT_PERCENT_RULE) -> Markup:
    rows = figures.outcomes
    height = TOP + ROW * len(rows) + 26
    width = LABEL_WIDTH + BAR_WIDTH + 90
    parts = [f'<svg class="report-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_WIDTH + BAR_WIDTH * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 22}" stroke="#d7dde5"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 8}" font-size="11" text-anchor="middle" fill="#5b6675">'
                     f"{tick}%</text>")
    for i, outcome in enumerate(rows):
        y = TOP + i * ROW
        percent = outcome.percent or 0.0
        met = outcome.met
        colour = "#2e7d4f" if met else ("#c0392b" if met is False else "#0a5cad")
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" font-size="12" text-anchor="end" fill="#1f2933">'
                     f"<title>{escape(outcome.label)}</title>{escape(_shorten(outcome.label))}</text>")
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 5}" width="{BAR_WIDTH * percent / 100:.1f}" height="18" '
                     f'fill="{colour}" rx="2"/>')
        value = format_percent(outcome.count, outcome.population, *rule)
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH * percent / 100 + 5:.1f}" y="{y + 18}" font-size="12" '
                     f'fill="#1f2933">{escape(value)}</text>')
        if outcome.target is not None:
            x = LABEL_WIDTH + BAR_WIDTH * min(outcome.target.percent, 100) / 100
            parts.append(f'<line x1="{x:.1f}" y1="{y + 1}" x2="{x:.1f}" y2="{y + 27}" stroke="#111" stroke-width="3">'
                         f"<title>Chỉ tiêu {escape(outcome.target.text)}</title></line>")
    parts.append("</svg>")
    return Markup("".join(parts))
