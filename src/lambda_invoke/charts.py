"""The job summary's Mermaid charts of a repeat: its percentiles (Lambda's duration as
bars, the round trip measured here as a line) and its round trips by invocation. Axes start
at zero, so bars are drawn to scale; the colours read on GitHub's light and dark themes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

QUANTILES = ("p50", "p90", "p95", "p99", "max")
#: chart colours readable on GitHub's light and dark themes (Mermaid's default palette is
#: pale on both): bars blue, the line orange
CHART_INIT = "%%{init: {'themeVariables': {'xyChart': {'plotColorPalette': '#3b82f6, #f97316'}}}}%%"


def axis_top(values: Sequence[float]) -> float:
    """A round top for a y-axis that starts at zero: bars are drawn to scale."""
    top = max(values, default=0.0) * 1.1 or 1.0
    step = 10 ** max(0, len(str(int(top))) - 2)
    return float(-(-top // step) * step)


def _numbers(values: Sequence[float]) -> str:
    return ", ".join(f"{value:g}" for value in values)


def _known(document: Mapping[str, Any], measure: str) -> list[float]:
    """Every percentile of a measure, or [] when one of them is missing."""
    values = [document.get(f"{measure}-{q}") for q in QUANTILES]
    return [float(value) for value in values if value is not None] if None not in values else []


def percentile_chart(document: Mapping[str, Any]) -> list[str]:
    """One chart of the percentiles: duration as bars, elapsed as a line (each only when
    every percentile of it is known); no lines when neither is."""
    whole = {m: v for m in ("duration-ms", "elapsed-ms") if (v := _known(document, m))}
    if not whole:
        return []
    top = axis_top([value for values in whole.values() for value in values])
    kinds = ("bar", "line") if len(whole) == 2 else ("bar",)
    title = ", ".join(
        f"{m} ({kind}s)" if kind == "bar" else f"{m} ({kind})"
        for m, kind in zip(whole, kinds, strict=False)
    )
    lines = ["", "```mermaid", CHART_INIT, "xychart-beta", f'    title "{title}"']
    lines += [f"    x-axis [{', '.join(QUANTILES)}]", f'    y-axis "ms" 0 --> {top:g}']
    lines += [f"    {k} [{_numbers(v)}]" for k, v in zip(kinds, whole.values(), strict=False)]
    return [*lines, "```"]


def series_chart(series: Mapping[str, Any] | None) -> list[str]:
    """The round trips by invocation (repeat.latency_series), as a line from zero."""
    if not series or not series["values"]:
        return []
    size = series["size"]
    each = "each invocation" if size == 1 else f"the slowest of each {size}"
    return [
        "",
        "```mermaid",
        CHART_INIT,
        "xychart-beta",
        f'    title "elapsed-ms by invocation ({each})"',
        f'    x-axis "invocation" 1 --> {max(2, series["count"])}',
        f'    y-axis "ms" 0 --> {axis_top(series["values"]):g}',
        f"    line [{_numbers(series['values'])}]",
        "```",
    ]


def comparison_chart(latency: Mapping[str, Any]) -> list[str]:
    """compare-to's latency: the candidate's and the baseline's p50 and p95 side by side as
    bars from zero (duration-ms when the REPORT line gave it, else elapsed-ms)."""
    for measure in ("duration-ms", "elapsed-ms"):
        sides = latency.get(measure) or {}
        values = [
            (sides.get(side) or {}).get(q)
            for q in ("p50", "p95")
            for side in ("candidate", "baseline")
        ]
        if None not in values:
            break
    else:
        return []
    numbers = [float(value) for value in values if value is not None]
    return [
        "",
        "```mermaid",
        CHART_INIT,
        "xychart-beta",
        f'    title "{measure}: candidate and baseline"',
        '    x-axis ["candidate p50", "baseline p50", "candidate p95", "baseline p95"]',
        f'    y-axis "ms" 0 --> {axis_top(numbers):g}',
        f"    bar [{_numbers(numbers)}]",
        "```",
    ]
