"""The insights report as one self-contained HTML page, charts inline as PNG."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterable
from html import escape
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from dovvybuddy.analytics.lead_funnel import FUNNEL_STEPS
from dovvybuddy.knowledge.freshness import MAX_AGE_MONTHS

SAFETY_LABELS = {
    "emergency": "Emergency",
    "medical_question": "Medical question",
    "dive_plan_request": "Dive plan refused",
    "prompt_injection": "Injection attempt",
}


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>DovvyBuddy insights</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #123; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #ccd; padding: .25rem .6rem; text-align: left; }}
td.n {{ text-align: right; }}
img {{ max-width: 100%; }}
</style>
</head>
<body>
<h1>DovvyBuddy insights</h1>
<p>{period}. Low confidence: the best intent scored below {threshold}.</p>
{sections}
</body>
</html>
"""


def _png(figure: Figure, alt: str) -> str:
    """The figure as an inline PNG image, drawn by matplotlib's Agg backend."""
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{encoded}">'


def _bar_chart(
    labels: list[str], series: dict[str, list[float]], title: str, stacked: bool = False
) -> str:
    """Vertical bars, one colour per series: side by side, or stacked ("" without data)."""
    if not labels or not series:
        return ""
    figure = Figure(figsize=(8, 3.2), layout="constrained")
    axes = figure.subplots()
    width = 0.8 if stacked else 0.8 / max(len(series), 1)
    bottom = [0.0] * len(labels)
    for index, (name, values) in enumerate(series.items()):
        offset = 0.0 if stacked else (index - (len(series) - 1) / 2) * width
        positions = [position + offset for position in range(len(labels))]
        axes.bar(positions, values, width, bottom=bottom if stacked else None, label=name)
        if stacked:
            bottom = [low + value for low, value in zip(bottom, values, strict=True)]
    axes.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    axes.set_title(title)
    axes.legend()
    return _png(figure, title)


def _horizontal_bars(counts: dict[str, int], title: str) -> str:
    """One horizontal bar per label, the first on top ("" without data)."""
    if not counts:
        return ""
    figure = Figure(figsize=(8, 0.6 + 0.3 * len(counts)), layout="constrained")
    axes = figure.subplots()
    labels = list(counts)[::-1]
    axes.barh(labels, [counts[label] for label in labels])
    axes.set_title(title)
    return _png(figure, title)


def _line_chart(labels: list[str], series: dict[str, list[float]], title: str) -> str:
    """Rates (0 to 1) over the labels, one line per series ("" without data)."""
    if not labels:
        return ""
    figure = Figure(figsize=(8, 3.2), layout="constrained")
    axes = figure.subplots()
    for name, values in series.items():
        axes.plot(labels, values, marker="o", label=name)
    highest = max((value for values in series.values() for value in values), default=0.0)
    axes.set_ylim(0, min(1.0, max(highest * 1.25, 0.05)))
    axes.set_title(title)
    axes.legend()
    axes.tick_params(axis="x", labelrotation=30)
    return _png(figure, title)


def _table(headers: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """An HTML table with every cell escaped; numbers right-aligned."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{cell}</td>'
            if isinstance(cell, int | float)
            else f"<td>{escape(str(cell))}</td>"
            for cell in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(anchor: str, title: str, *parts: str) -> str:
    content = "\n".join(part for part in parts if part) or "<p>Nothing in this period.</p>"
    return f'<section id="{anchor}">\n<h2>{escape(title)}</h2>\n{content}\n</section>'


def _activity_section(data: dict[str, Any]) -> str:
    rows = data["by_day"]
    days = sorted({row["day"] for row in rows})
    channels = sorted(data["by_channel"])
    turns = {(row["day"], row["channel"]): row["user_turns"] for row in rows}
    chart = _bar_chart(
        days,
        {channel: [turns.get((day, channel), 0) for day in days] for channel in channels},
        "User turns per day, by channel",
        stacked=True,
    )
    table = _table(
        ["day", "channel", "conversations", "user turns"],
        [(row["day"], row["channel"], row["conversations"], row["user_turns"]) for row in rows]
        + [
            ("all days", channel, counts["conversations"], counts["user_turns"])
            for channel, counts in data["by_channel"].items()
        ],
    )
    return _section("activity", "Conversations and user turns", chart, table)


def _nlu_section(data: dict[str, Any]) -> str:
    days = data["by_day"]
    intents_chart = _horizontal_bars(data["intents"], "Intents of messages outside forms")
    rates_chart = _line_chart(
        [row["day"] for row in days],
        {
            "nlu_fallback rate": [row["nlu_fallback_rate"] for row in days],
            "low-confidence rate": [row["low_confidence_rate"] for row in days],
        },
        "Fallback and low-confidence rates per day",
    )
    columns = ["messages", "form_answers", "nlu_fallback", "nlu_fallback_rate"]
    columns += ["low_confidence", "low_confidence_rate"]
    return _section(
        "nlu",
        "Intents and understanding",
        intents_chart,
        _table(["intent", "messages"], data["intents"].items()),
        rates_chart,
        _table(
            ["day", *columns],
            [[row["day"], *(row[c] for c in columns)] for row in days]
            + [["all days", *(data["total"][c] for c in columns)]],
        ),
    )


def _safety_section(data: dict[str, Any]) -> str:
    labelled = {SAFETY_LABELS[category]: count for category, count in data["total"].items()}
    return _section(
        "safety",
        "Safety replies",
        _horizontal_bars(labelled, "Safety replies by category"),
        _table(["category", "replies"], labelled.items()),
        _table(
            ["day", "channel", "category", "replies"],
            [
                (row["day"], row["channel"], SAFETY_LABELS[row["category"]], row["replies"])
                for row in data["by_day"]
            ],
        ),
    )


def _funnel_table(segment: str, funnels: dict[str, Any]) -> str:
    headers = [segment, *FUNNEL_STEPS, *(f"lost before {step}" for step in FUNNEL_STEPS[1:])]
    return _table(
        headers,
        [
            (key, *(f[step] for step in FUNNEL_STEPS), *f["drop_off"].values())
            for key, f in funnels.items()
        ],
    )


def _leads_section(data: dict[str, Any]) -> str:
    by_type = data["by_type"]
    chart = _bar_chart(
        list(FUNNEL_STEPS),
        {kind: [funnel[step] for step in FUNNEL_STEPS] for kind, funnel in by_type.items()},
        "Lead funnel by type",
    )
    return _section(
        "leads",
        "Lead funnel",
        chart,
        _funnel_table("lead type", {"all": data["total"], **by_type}),
        _funnel_table("destination", data["by_destination"]),
        _funnel_table("channel", data["by_channel"]),
        "<h3>Time to contact (from the diver's confirmation to the partner's)</h3>",
        _table(
            ["partner", "delivered", "contacted", "median hours to contact"],
            [
                (
                    partner,
                    row["delivered"],
                    row["contacted"],
                    "-"
                    if row["median_hours_to_contact"] is None
                    else row["median_hours_to_contact"],
                )
                for partner, row in data["time_to_contact_by_partner"].items()
            ],
        ),
        "<h3>Where divers stop (the last field asked)</h3>",
        _table(
            ["lead type", "field", "divers"],
            [
                (kind, field, count)
                for kind, fields in data["abandoned_at_by_type"].items()
                for field, count in fields.items()
            ],
        ),
    )


def _gaps_section(data: dict[str, Any]) -> str:
    return _section(
        "knowledge-gaps",
        "Questions without an answer in the knowledge base",
        _table(["reply", "questions"], data["by_reply"].items()),
        _table(
            ["question (redacted)", "reply", "times asked"],
            [(q["question"], q["reply"], q["count"]) for q in data["questions"]],
        ),
    )


def _stale_facts_section(facts: list[dict[str, Any]]) -> str:
    return _section(
        "stale-facts",
        f"Facts not verified for over {MAX_AGE_MONTHS} months",
        _table(
            ["document", "fact", "last verified", "months ago"],
            [(f["path"], f["field"], f["verified"], f["months_old"]) for f in facts],
        ),
    )


def render_html(report: dict[str, Any]) -> str:
    """The report as one HTML page: a chart and a table per section, all text escaped."""
    since, until = report["period"]["since"] or "the start", report["period"]["until"] or "today"
    return _PAGE.format(
        period=escape(f"From {since} to {until}, UTC"),
        threshold=escape(str(report["confidence_threshold"])),
        sections="\n".join(
            [
                _activity_section(report["activity"]),
                _nlu_section(report["nlu"]),
                _safety_section(report["safety"]),
                _leads_section(report["leads"]),
                _gaps_section(report["knowledge_gaps"]),
                _stale_facts_section(report["stale_facts"]),
            ]
        ),
    )
