"""Plotly figures built from ``results`` (no queries here), as plain JSON-ready dicts.

plotly.js reads labels as a small subset of HTML, so every text that comes from a
survey, a round or a resident is HTML-escaped here (``esc``) before it reaches a figure;
plotly then shows ``<img …>`` as those very characters. Hover texts are passed as
``customdata`` and never spliced into a ``hovertemplate``, where ``%{…}`` would be read.
The pages embed the figures with ``|tojson`` in ``<script type="application/json">``
blocks; ``static/board.js`` draws them. Colours are Okabe–Ito (categories) and
ColorBrewer PuOr (agreement scales): both safe for colour-blind readers.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable

from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _

from .models import Channel, QuestionKind
from .results import (
    Estimate,
    QuestionBreakdown,
    QuestionResult,
    RoundOverview,
    Share,
    SurveyResults,
    Trend,
)

#: Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
#: ColorBrewer PuOr, 5 classes (colour-blind safe), with a grey that shows on white.
AGREE_COLOURS = ["#e66101", "#fdb863", "#bdbdbd", "#b2abd2", "#5e3c99"]
CHANNEL_COLOURS = {Channel.WEB: "#0072B2", Channel.PAPER: "#E69F00", Channel.SIMULATED: "#777777"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
LABEL_WIDTH = 32
BAR_HEIGHT = 34


# Text and numbers ---------------------------------------------------------------------------


def esc(text: object) -> str:
    """``text`` with &, < and > escaped, so plotly shows it instead of reading it as HTML."""
    return html.escape(str(text), quote=False)


def wrapped(text: object, width: int = LABEL_WIDTH) -> str:
    """An escaped label broken into lines of about ``width`` characters."""
    lines = textwrap.wrap(str(text), width) or [""]
    return "<br>".join(esc(line) for line in lines)


def number(value: float | None, decimals: int = 1) -> str:
    """A number in the reader's locale ("6,2" in Swedish), or a dash when missing."""
    if value is None:
        return "–"
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(value, format=pattern)


def plus_minus(value: float | None, moe: float | None, decimals: int = 1) -> str:
    """ "6,2 ± 1,6", or the value alone when there is no margin of error."""
    if moe is None:
        return number(value, decimals)
    return f"{number(value, decimals)} ± {number(moe, decimals)}"


def estimate_text(estimate: Estimate | None, decimals: int = 1) -> str:
    if estimate is None:
        return "–"
    return plus_minus(estimate.value, estimate.moe, decimals)


def share_text(share: Share) -> str:
    """ "6 (60,0 %)"."""
    return f"{share.count} ({number(share.percent)} %)"


def _separators() -> str:
    """plotly's decimal and thousands separators for the reader's language."""
    return ", " if str(get_locale()) == "sv" else ".,"


def _layout(height: int, **extra) -> dict:
    layout = {
        "height": height,
        "separators": _separators(),
        "font": {"family": FONT, "size": 14, "color": "#1b1b1b"},
        "margin": {"l": 10, "r": 24, "t": 10, "b": 48},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "colorway": PALETTE,
        "showlegend": False,
        "hovermode": "closest",
        "dragmode": False,
    }
    layout.update(extra)
    return layout


def _axis(**extra) -> dict:
    return {"automargin": True, "fixedrange": True, "gridcolor": "#dddddd", **extra}


def _legend() -> dict:
    return {"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom", "traceorder": "normal"}


def _rows(labels: list) -> dict:
    """A category axis of numbered rows, so equal labels never merge."""
    positions = list(range(len(labels)))
    return _axis(
        tickvals=positions, ticktext=[wrapped(label) for label in labels], autorange="reversed"
    )


# Figures per question -----------------------------------------------------------------------


def question_figure(result: QuestionResult) -> dict | None:
    """The chart for one question, or None (free text; fewer than k answers)."""
    if not result.shown or result.question.kind.is_text:
        return None
    kind = result.question.kind
    if kind.has_options:
        return choice_figure(result.shares)
    if kind is QuestionKind.AGREE5:
        return agree_figure([(_("Alla"), result)])
    return scale_figure(result)


def choice_figure(shares: list[Share]) -> dict:
    """Horizontal bars, largest first, with the 95 % margins as error bars and n and %
    written just past each error bar."""
    bar = {
        "type": "bar",
        "orientation": "h",
        "y": list(range(len(shares))),
        "x": [share.percent for share in shares],
        "error_x": {"type": "data", "array": [share.moe for share in shares], "color": "#1b1b1b"},
        "marker": {"color": PALETTE[0]},
        "customdata": [_hover_share(share) for share in shares],
        "hovertemplate": "%{customdata}<extra></extra>",
    }
    return {
        "data": [bar],
        "layout": _layout(
            _height(len(shares)),
            annotations=[_bar_label(n, share) for n, share in enumerate(shares)],
            xaxis=_percent_axis(140),
            yaxis=_rows([share.label for share in shares]),
        ),
    }


def _bar_label(row: int, share: Share) -> dict:
    return {
        "x": (share.percent or 0) + (share.moe or 0),
        "y": row,
        "xref": "x",
        "yref": "y",
        "xanchor": "left",
        "xshift": 6,
        "showarrow": False,
        "text": esc(share_text(share)),
    }


def _percent_axis(upper: int = 100) -> dict:
    """0–100 % ticks; ``upper`` above 100 leaves room for labels past the bars."""
    ticks = list(range(0, 101, 20))
    return _axis(
        range=[0, upper],
        tickvals=ticks,
        ticktext=[f"{tick} %" for tick in ticks],
        title={"text": esc(_("Andel (%)"))},
    )


def _hover_share(share: Share) -> str:
    return "<br>".join(
        [
            wrapped(share.label, 48),
            esc(_("%(count)d av %(base)d svar", count=share.count, base=share.base)),
            esc(f"{plus_minus(share.percent, share.moe)} %"),
        ]
    )


def _height(rows: int) -> int:
    return 70 + BAR_HEIGHT * max(rows, 1)


def agree_figure(rows: list[tuple[str, QuestionResult]]) -> dict:
    """Diverging stacked bars: disagreeing to the left of 0, agreeing to the right, the
    neutral level split across the middle. "Vet ej" is left out (its count is in the table).
    """
    labels = [label for label, _result in rows]
    traces = []
    for level, sign, part in (
        (3, -1, 0.5),
        (3, 1, 0.5),
        (2, -1, 1),
        (4, 1, 1),
        (1, -1, 1),
        (5, 1, 1),
    ):
        shares = [result.shares[level - 1] for _label, result in rows]
        traces.append(_agree_trace(level, sign, part, shares, show_legend=sign > 0 or level != 3))
    ticks = [-100, -50, 0, 50, 100]
    return {
        "data": traces,
        "layout": _layout(
            _height(len(rows)) + 60,
            barmode="relative",
            showlegend=True,
            legend=_legend(),
            margin={"l": 10, "r": 24, "t": 70, "b": 48},
            xaxis=_axis(
                range=[-100, 100],
                tickvals=ticks,
                ticktext=[f"{abs(t)} %" for t in ticks],
                zeroline=True,
                zerolinecolor="#1b1b1b",
                title={"text": esc(_("Andel av dem som tagit ställning (%)"))},
            ),
            yaxis=_rows(labels),
        ),
    }


def _agree_trace(level: int, sign: int, part: float, shares: list[Share], show_legend: bool):
    first = shares[0]
    return {
        "type": "bar",
        "orientation": "h",
        "name": wrapped(first.label, 24),
        "legendrank": level,
        "legendgroup": str(level),
        "showlegend": show_legend,
        "y": list(range(len(shares))),
        "x": [sign * part * (share.percent or 0) for share in shares],
        "marker": {"color": AGREE_COLOURS[level - 1], "line": {"color": "#ffffff", "width": 1}},
        "text": [_inside_label(share, level) if sign > 0 or level != 3 else "" for share in shares],
        "textposition": "inside",
        "insidetextanchor": "middle",
        "textangle": 0,
        "customdata": [_hover_share(share) for share in shares],
        "hovertemplate": "%{customdata}<extra></extra>",
    }


def _inside_label(share: Share, level: int) -> str:
    """The percentage inside a bar segment, when the segment is wide enough for it (the
    neutral level shows it on its right half only)."""
    wide_enough = 16 if level == 3 else 8
    return f"{number(share.percent, 0)} %" if (share.percent or 0) >= wide_enough else ""


def scale_figure(result: QuestionResult) -> dict:
    """The distribution of a rating scale, with the mean marked and its margin shaded."""
    question, mean = result.question, result.mean
    shares = result.shares
    bars = {
        "type": "bar",
        "x": [share.key for share in shares],
        "y": [share.percent for share in shares],
        "text": [str(share.count) for share in shares],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": PALETTE[0]},
        "customdata": [_hover_share(share) for share in shares],
        "hovertemplate": "%{customdata}<extra></extra>",
    }
    shapes, annotations = [], []
    if mean is not None:
        low, high = mean.value - (mean.moe or 0), mean.value + (mean.moe or 0)
        shapes = [
            _band(low, high),
            {"type": "line", "x0": mean.value, "x1": mean.value, "y0": 0, "y1": 1,
             "xref": "x", "yref": "paper", "line": {"color": PALETTE[5], "width": 3}},
        ]  # fmt: skip
        annotations = [
            {"x": mean.value, "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom",
             "showarrow": False, "font": {"color": "#1b1b1b"},
             "text": esc(_("Medelvärde %(mean)s", mean=estimate_text(mean)))},
        ]  # fmt: skip
    return {
        "data": [bars],
        "layout": _layout(
            320,
            margin={"l": 10, "r": 24, "t": 36, "b": 48},
            shapes=shapes,
            annotations=annotations,
            xaxis=_axis(dtick=1, title={"text": _scale_title(question)}),
            yaxis=_axis(title={"text": esc(_("Andel (%)"))}, ticksuffix=" %", rangemode="tozero"),
        ),
    }


def _band(low: float, high: float) -> dict:
    return {
        "type": "rect", "x0": low, "x1": high, "y0": 0, "y1": 1, "xref": "x", "yref": "paper",
        "fillcolor": PALETTE[5], "opacity": 0.15, "line": {"width": 0}, "layer": "below",
    }  # fmt: skip


def _scale_title(question) -> str:
    if question.min_label and question.max_label:
        low = f"{question.scale_min} = {question.min_label}"
        return esc(f"{low}, {question.scale_max} = {question.max_label}")
    return esc(_("Betyg"))


# Breakdowns ---------------------------------------------------------------------------------


def breakdown_figure(overall: QuestionResult, breakdown: QuestionBreakdown) -> dict | None:
    """One question per group of the background question (hidden groups left out)."""
    rows = [(_("Alla"), overall)] + [
        (group.label, result) for group, result in breakdown.rows if result and result.shown
    ]
    if len(rows) < 2 or not overall.shown:
        return None
    kind = overall.question.kind
    if kind.has_options:
        return grouped_choice_figure(overall.shares, rows)
    if kind is QuestionKind.AGREE5:
        return agree_figure(rows)
    return index_figure([(label, result.index) for label, result in rows])


def grouped_choice_figure(order: list[Share], rows: list[tuple[str, QuestionResult]]) -> dict:
    """Grouped horizontal bars: for each option (in overall order) one bar per group."""
    traces = []
    for n, (label, result) in enumerate(rows):
        shares = {share.key: share for share in result.shares}
        mine = [shares[share.key] for share in order]
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": wrapped(label, 24),
                "y": list(range(len(order))),
                "x": [share.percent for share in mine],
                "marker": {"color": PALETTE[n % len(PALETTE)]},
                "customdata": [f"{wrapped(label, 48)}<br>{_hover_share(s)}" for s in mine],
                "hovertemplate": "%{customdata}<extra></extra>",
            }
        )
    return {
        "data": traces,
        "layout": _layout(
            70 + 60 + len(order) * max(BAR_HEIGHT, 14 * len(rows)),
            barmode="group",
            showlegend=True,
            legend=_legend(),
            margin={"l": 10, "r": 24, "t": 60, "b": 48},
            xaxis=_percent_axis(),
            yaxis=_rows([share.label for share in order]),
        ),
    }


def index_figure(rows: Iterable[tuple[str, Estimate | None]]) -> dict:
    """Horizontal bars of indices 0–100 with their 95 % margins of error."""
    rows = [(label, estimate) for label, estimate in rows if estimate is not None]
    bar = {
        "type": "bar",
        "orientation": "h",
        "y": list(range(len(rows))),
        "x": [estimate.value for _label, estimate in rows],
        "error_x": {"type": "data", "array": [e.moe or 0 for _l, e in rows], "color": "#1b1b1b"},
        "text": [estimate_text(estimate, 0) for _label, estimate in rows],
        "textposition": "inside",
        "insidetextanchor": "start",
        "marker": {"color": PALETTE[0]},
        "customdata": [
            f"{wrapped(label, 48)}<br>{esc(_('Index'))} {esc(estimate_text(e))} (n = {e.n})"
            for label, e in rows
        ],
        "hovertemplate": "%{customdata}<extra></extra>",
    }
    return {
        "data": [bar],
        "layout": _layout(
            _height(len(rows)),
            xaxis=_axis(range=[0, 100], title={"text": esc(_("Index 0–100"))}),
            yaxis=_rows([label for label, _estimate in rows]),
        ),
    }


# Pages --------------------------------------------------------------------------------------


def survey_figures(results: SurveyResults) -> dict[str, dict]:
    """Every chart of a survey's dashboard, by element id."""
    figures = {}
    for result in results.questions:
        figure = question_figure(result)
        if figure:
            figures[f"fig-q{result.question.id}"] = figure
        breakdown = results.breakdown and results.breakdown.questions.get(result.question.id)
        figure = breakdown and breakdown_figure(result, breakdown)
        if figure:
            figures[f"fig-q{result.question.id}-by"] = figure
    return figures


def round_figures(overview: RoundOverview) -> dict[str, dict]:
    """The charts of a round's overview: responses per day, and the target-area indices."""
    figures = {"fig-days": days_figure(overview)}
    indexed = [(area.area.name, area.index) for area in overview.areas if area.index]
    if indexed:
        figures["fig-areas"] = index_figure(indexed)
    return figures


def days_figure(overview: RoundOverview) -> dict:
    """Responses per day, stacked by channel."""
    days = overview.days
    traces = [
        {
            "type": "bar",
            "name": esc(channel_label(channel)),
            "x": list(range(len(days))),
            "y": [day.channels[channel] for day in days],
            "marker": {"color": CHANNEL_COLOURS[channel]},
            "customdata": [
                f"{esc(format_date(day.day, 'd MMMM'))}<br>{esc(channel_label(channel))}: "
                f"{day.channels[channel]}"
                for day in days
            ],
            "hovertemplate": "%{customdata}<extra></extra>",
        }
        for channel in channels_in(overview.channels)
    ]
    return {
        "data": traces,
        "layout": _layout(
            300,
            barmode="stack",
            showlegend=True,
            legend=_legend(),
            margin={"l": 10, "r": 24, "t": 40, "b": 48},
            xaxis=_axis(
                tickvals=list(range(len(days))),
                ticktext=[esc(format_date(day.day, "d MMM")) for day in days],
            ),
            yaxis=_axis(title={"text": esc(_("Svar"))}, rangemode="tozero"),
        ),
    }


def channels_in(counts) -> list[Channel]:
    """The channels present in ``counts``, in a fixed order (web, paper, simulated)."""
    return [channel for channel in Channel if counts.get(channel)]


def channel_label(channel: Channel) -> str:
    return {
        Channel.WEB: _("Webb"),
        Channel.PAPER: _("Papper"),
        Channel.SIMULATED: _("Simulerade"),
    }[channel]


def trend_figure(trend: Trend) -> dict:
    """Lines across rounds with 95 % margins of error as error bars (0–100)."""
    rounds = sorted({p.round for s in trend.series for p in s.points}, key=lambda r: r.id)
    position = {round_.id: n for n, round_ in enumerate(rounds)}
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": wrapped(series.label, 24),
            "x": [position[p.round.id] for p in series.points],
            "y": [p.value for p in series.points],
            "error_y": {"type": "data", "array": [p.moe or 0 for p in series.points]},
            "line": {"color": PALETTE[n % len(PALETTE)], "width": 3},
            "marker": {"size": 9, "symbol": n % 8},
            "customdata": [
                f"{esc(p.round.title)}<br>{wrapped(series.label, 48)}: "
                f"{esc(plus_minus(p.value, p.moe))} (n = {p.n})"
                for p in series.points
            ],
            "hovertemplate": "%{customdata}<extra></extra>",
        }
        for n, series in enumerate(trend.series)
    ]
    return {
        "data": traces,
        "layout": _layout(
            340,
            showlegend=len(traces) > 1,
            legend=_legend(),
            margin={"l": 10, "r": 24, "t": 50, "b": 48},
            xaxis=_axis(
                tickvals=list(position.values()),
                ticktext=[wrapped(r.title, 20) for r in rounds],
                range=[-0.3, len(rounds) - 0.7],
            ),
            yaxis=_axis(range=[0, 100], title={"text": esc(_("Procent eller index 0–100"))}),
        ),
    }
