"""Figures for the reports. Tidy data in, an ``Axes`` out; nothing is shown or computed here.

Every function takes ``ax=None`` (a new figure is made when omitted) and returns the Axes;
none calls ``plt.show()``. The numbers come from :mod:`salesperf_kit.analysis`,
:mod:`salesperf_kit.scoring` and the KPI library. :func:`set_style` registers the Noto
Sans CJK font shipped with the ``mplfonts`` package, so Chinese labels render on a fresh
machine without system fonts (no tofu boxes).
"""
from __future__ import annotations

import os
import sys
import textwrap
import warnings

import matplotlib
import matplotlib.ticker

if "MPLBACKEND" not in os.environ and "IPython" not in sys.modules:
    # scripts and the command line draw off-screen; a Jupyter kernel keeps its inline
    # backend, so that a figure a cell returns is shown (Agg there showed no chart at all)
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from ._checks import natural_key  # noqa: E402

__all__ = ["set_style", "cjk_font_name", "kpi_distribution", "funnel_chart", "attainment_heatmap",
           "correlation_heatmap", "leaderboard_chart", "payout_chart"]


def cjk_font_name() -> str:
    """Register the bundled Noto Sans CJK SC font with matplotlib and return its name."""
    from .fonts import font_name

    return font_name()


def set_style() -> None:
    """Seaborn's whitegrid theme with a CJK-capable sans-serif font first in line."""
    name = cjk_font_name()
    sns.set_theme(style="whitegrid", font=name, rc={
        "font.sans-serif": [name, "DejaVu Sans"], "axes.unicode_minus": False,
        "text.parse_math": False,  # a name such as "Ca$h $x^2$" is text, not a formula to typeset
        "figure.dpi": 100, "savefig.dpi": 110, "figure.figsize": (8, 4.2),
        # a figure saved as returned (ax.figure.savefig) keeps its long (Chinese) tick labels
        "savefig.bbox": "tight"})


def _tick(value: float, _pos=None) -> str:
    """A value axis's tick as the tables write numbers: with thousands separators
    (350,000, not 350000), whole numbers without decimals, others without trailing zeros."""
    v = round(float(value), 10) + 0.0
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.10g}"


def _separated(axis) -> None:
    """Tick labels of ``axis`` (``ax.xaxis`` or ``ax.yaxis``) by :func:`_tick`."""
    axis.set_major_formatter(matplotlib.ticker.FuncFormatter(_tick))


def _ax(ax, figsize=None):
    if ax is None:
        set_style()
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _lay_out(fig) -> None:
    """Lay ``fig`` out as a report saves it (tight layout), so that what is measured on it
    (room for labels) holds in the saved image. (A colour bar's axes is not laid out by
    tight_layout, which says so: it is left where it is.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout()


#: the space kept between two labels (points); the widths (characters) a long label written
#: level is wrapped at, in turn, at its spaces only (a Chinese label is not broken), as long as
#: it takes at most LABEL_LINES lines; and the slants tried, in turn, when level labels do not fit
LABEL_GAP_PT = 3.0
LABEL_WRAPS = (16, 10)
LABEL_LINES = 3
LABEL_SLANTS = (45.0, 90.0)


def _wrap(label: str, width: int) -> str:
    return textwrap.fill(label, width=width, break_long_words=False, break_on_hyphens=False)


def _fit_xticklabels(ax, *, own: bool) -> float:
    """Write the x tick labels level where they fit, long ones wrapped onto more lines (see
    :data:`LABEL_WRAPS`); else on the first slant of :data:`LABEL_SLANTS` at which neighbours
    keep apart, each label on one line ending under its tick (right-aligned, turned about that
    end: centred, a slanted label would sit off its column). Returns the angle.

    Neighbours keep apart level when their boxes leave :data:`LABEL_GAP_PT` between them; on a
    slant θ the labels are parallel strips ``pitch × sin θ`` apart (pitch: the distance of
    two ticks), which must exceed a label's height. ``own``: the figure is the function's
    own, laid out (tight) before measuring, as a report saves it; else it is measured as the
    caller laid it out."""
    fig = ax.figure
    ticks = list(ax.get_xticks())
    texts = [t.get_text() for t in ax.get_xticklabels()]
    if len(ticks) != len(texts) or not any(texts):
        return 0.0
    px = fig.dpi / 72.0
    choices = []
    for width in LABEL_WRAPS:
        wrapped = [_wrap(t, width) for t in texts]
        if max(w.count("\n") for w in wrapped) < LABEL_LINES and (0.0, wrapped) not in choices:
            choices.append((0.0, wrapped))
    choices += [(angle, texts) for angle in LABEL_SLANTS]

    def apply(angle: float, labels: list[str]) -> None:
        if angle:
            ax.set_xticks(ticks, labels, rotation=angle, ha="right", va="center" if angle == 90 else "top",
                          rotation_mode="anchor")
        else:
            ax.set_xticks(ticks, labels, rotation=0, ha="center", va="top", rotation_mode="default")

    def fits(angle: float) -> bool:
        if own:
            _lay_out(fig)
        fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        labels = [t for t in ax.get_xticklabels() if t.get_text()]
        gap = LABEL_GAP_PT * px
        if not angle:
            boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.x0)
            return all(a.x1 + gap <= b.x0 for a, b in zip(boxes, boxes[1:]))
        xs = sorted(ax.transData.transform([(x, 0) for x in ticks])[:, 0])
        pitch = min((b - a for a, b in zip(xs, xs[1:])), default=np.inf)
        # (a label's height as it reads: its box level, before the turn)
        height = max(renderer.get_text_width_height_descent(t.get_text(), t.get_fontproperties(), ismath=False)[1]
                     for t in labels)
        return height + gap <= pitch * np.sin(np.radians(angle))

    for angle, labels in choices[:-1]:
        apply(angle, labels)
        if fits(angle):
            return angle
    apply(*choices[-1])  # (the steepest slant, whether it fits or not)
    return choices[-1][0]


def kpi_distribution(data: pd.DataFrame, *, value: str, group: str = "team", title: str = "",
                     ylabel: str = "", ax=None) -> plt.Axes:
    """Box plot with the individual points of one KPI per group (tidy ``data``); the groups'
    labels are written level unless they would run together."""
    own = ax is None
    ax = _ax(ax)
    d = data.dropna(subset=[value])
    order = sorted(d[group].astype(str).unique(), key=natural_key)
    with warnings.catch_warnings():  # seaborn 0.13 passes matplotlib 3.11's deprecated `vert`
        warnings.filterwarnings("ignore", message="vert: bool was deprecated", category=DeprecationWarning)
        sns.boxplot(data=d, x=group, y=value, order=order, ax=ax, color="#cfe0f3", fliersize=0)
    # seaborn jitters with NumPy's global generator: a fixed seed makes a rerun draw the same
    # figure, and the caller's generator is left as it was
    state = np.random.get_state()
    np.random.seed(0)
    try:
        sns.stripplot(data=d, x=group, y=value, order=order, ax=ax, color="#2b5d8a", size=4, jitter=0.15)
    finally:
        np.random.set_state(state)
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel(ylabel)
    _separated(ax.yaxis)
    _fit_xticklabels(ax, own=own)
    return ax


#: the value labels on bars (points): their font, and their distance from the bar's end
BAR_LABEL_PT = 7.0
BAR_LABEL_PAD_PT = 2.0


def _headroom(ax, labels) -> None:
    """Raise the top of the value axis until ``labels`` (above their bars) end inside the axes,
    whatever the axis's scale: a label a point above a bar of value v needs, in the scale's
    terms, (F(v) - F(bottom)) / (F(top) - F(bottom)) × H + its height ≤ H."""
    fig = ax.figure
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    height = ax.get_window_extent(renderer).height
    scale = ax.yaxis.get_transform()
    bottom, top = ax.get_ylim()
    f_bottom, f_top = scale.transform(np.array([bottom, top], dtype=float))
    needed = f_top
    for t in labels:
        anchor = ax.transData.transform(t.xy)[1]
        above = t.get_window_extent(renderer).y1 - anchor + LABEL_GAP_PT * fig.dpi / 72.0
        if above >= height:
            continue
        f_value = scale.transform(np.array([t.xy[1]], dtype=float))[0]
        needed = max(needed, f_bottom + (f_value - f_bottom) / (1 - above / height))
    if needed > f_top:
        ax.set_ylim(bottom, scale.inverted().transform(np.array([needed]))[0])


def _apart(boxes, gap: float) -> bool:
    return not any(a.padded(gap / 2).overlaps(b.padded(gap / 2)) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def _label_bars(ax) -> list:
    """Write each bar's value above it: level where neighbours' labels keep apart, else turned on
    its side, else (bars too narrow even for that) none, the table under the figure giving the
    numbers. The value axis is raised to keep the labels inside the axes. Returns the labels."""
    fig = ax.figure
    limits = ax.get_ylim()
    labels = [t for bars in ax.containers
              for t in ax.bar_label(bars, fmt="{:,.0f}", fontsize=BAR_LABEL_PT, padding=BAR_LABEL_PAD_PT)]
    for t in labels:  # (a 0 on a log axis, below its bottom: written at the bottom)
        if t.xy[1] < limits[0]:
            t.xy = (t.xy[0], limits[0])
    shown = [t for t in labels if t.get_text()]
    gap = LABEL_GAP_PT * fig.dpi / 72.0
    for rotation in (0, 90):
        for t in shown:
            t.set_rotation(rotation)
        ax.set_ylim(*limits)
        _headroom(ax, shown)
        renderer = fig.canvas.get_renderer()
        if _apart([t.get_window_extent(renderer) for t in shown], gap):
            return labels
    for t in labels:
        t.remove()
    ax.set_ylim(*limits)
    return []


def funnel_chart(data: pd.DataFrame, *, group: str = "group", stage: str = "stage_label",
                 value: str = "value", title: str = "", ylabel: str = "", log_ylabel: str = "log scale",
                 ax=None) -> plt.Axes:
    """Grouped bars of funnel stages per group (stages in the order given), each bar's count
    written on it where there is room (see :func:`_label_bars`).

    When the stages are an order of magnitude apart the value axis is logarithmic, so that
    the later stages stay visible; bar lengths then do not compare as counts do, and the
    axis says so with ``log_ylabel`` (e.g. "数量（对数刻度）" or "Count (log scale)")
    instead of ``ylabel``. That axis starts at 1, not 0, which a log scale cannot show: a
    count of 0 has no bar and is written at the bottom.
    """
    own = ax is None
    ax = _ax(ax)
    sns.barplot(data=data, x=stage, y=value, hue=group, ax=ax, errorbar=None)
    positive = data[value][data[value] > 0]
    log = bool(len(positive)) and positive.max() / positive.min() >= 10  # stages an order of magnitude apart
    if log:
        # a log scale has no 0: the axis starts at 1 (a count's smallest), or at the decade
        # below a smaller value; a bar of 0 (or 1) has no length there, and its label says so
        ax.set_yscale("log")
        ax.set_ylim(bottom=min(1.0, 10.0 ** np.floor(np.log10(positive.min()))))
        _separated(ax.yaxis)
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    else:
        _separated(ax.yaxis)
    ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel(log_ylabel if log else ylabel)
    ax.legend(title="", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    if own:  # (measured as the report saves it: the legend at the right narrows the bars)
        _lay_out(ax.figure)
    _label_bars(ax)  # the counts on the bars: a 0 is seen, not guessed
    return ax


#: the smallest font of a person's name on the heat map (points), and the height of a row
#: (inches): the figure grows with the people, so that 60 names stay legible on screen and in print
HEATMAP_NAME_PT = 9.0
HEATMAP_ROW_IN = 0.3


def attainment_heatmap(matrix: pd.DataFrame, *, title: str = "", groups=None, teams=None, ax=None,
                       vmax: float = 100.0) -> plt.Axes:
    """People × KPIs heatmap of normalised points (0-100, or to 120 for capped attainment).

    The colour bar runs from 0 to ``vmax``: 100, or the most points a KPI of the map can
    score (120 for a target KPI capped at 120 %), so that points above 100 are told apart.

    height = HEATMAP_ROW_IN × people + 1.5 inches (at least 3), names at HEATMAP_NAME_PT,
    written level (a Chinese name is not turned on its side); the width stays within 10
    inches, so that a page showing the figure at its width does not shrink the names.
    ``groups``: one label per row (the role), rows of a group together: each group is ruled
    off and labelled at the right. ``teams``: one label per row too, rows of a team together
    within a group: each team is ruled off lightly and labelled at the right, beside the rows,
    the groups' labels then further right. With ``groups`` the colour bar is above the map
    (the labels take the right) and the title above the colour bar."""
    n, k = matrix.shape
    own = ax is None
    ax = _ax(ax, figsize=(min(max(6.0, 0.8 * k + 3.5), 10.0), max(3.0, HEATMAP_ROW_IN * n + 1.5)))
    sns.heatmap(matrix, ax=ax, cmap="RdYlGn", vmin=0, vmax=vmax,
                cbar_kws={"shrink": 0.6, "location": "top", "pad": 0.02, "fraction": 0.03} if groups is not None
                else {"shrink": 0.6},
                linewidths=0.3, linecolor="white", yticklabels=True)
    ax.grid(False)
    if groups is not None and ax.collections and ax.collections[0].colorbar is not None:
        ax.collections[0].colorbar.ax.set_title(title)  # (on the map's axes, it would lie under the colour bar)
    else:
        ax.set_title(title)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=HEATMAP_NAME_PT, rotation=0)  # (seaborn turns crowded labels on their side)
    ax.tick_params(axis="x", labelsize=HEATMAP_NAME_PT)
    if groups is not None:
        _label_groups(ax, n, k, groups, teams)
    _fit_xticklabels(ax, own=own)  # (once the labels at the right have taken their room)
    return ax


def _label_groups(ax, n: int, k: int, groups, teams) -> None:
    """Rule off and label the heat map's groups (and teams) at the right of its ``k`` columns."""
    labels = list(groups)
    starts = [i for i in range(n) if i == 0 or labels[i] != labels[i - 1]]
    offset = 0.0  # points right of the map where the groups' labels begin
    if teams is not None:
        team = list(teams)
        team_starts = [i for i in range(n) if i == 0 or team[i] != team[i - 1] or i in starts]
        drawn = []
        for a, b in zip(team_starts, [*team_starts[1:], n]):
            if a and a not in starts:
                ax.axhline(a, color="dimgray", linewidth=0.8)
            drawn.append(ax.text(k + 0.15, (a + b) / 2, str(team[a]), va="center", ha="left",
                                 fontsize=HEATMAP_NAME_PT, clip_on=False))
        renderer = ax.figure.canvas.get_renderer()
        widest = max(t.get_window_extent(renderer).width for t in drawn) * 72 / ax.figure.dpi
        offset = widest + 2 * HEATMAP_NAME_PT
    for a, b in zip(starts, [*starts[1:], n]):
        if a:
            ax.axhline(a, color="black", linewidth=1.5)
        if teams is None:
            ax.text(k + 0.15, (a + b) / 2, labels[a], va="center", ha="left", fontsize=HEATMAP_NAME_PT + 1,
                    clip_on=False)
        else:
            ax.annotate(labels[a], (k + 0.15, (a + b) / 2), xytext=(offset, 0), textcoords="offset points",
                        va="center", ha="left", fontsize=HEATMAP_NAME_PT + 1, annotation_clip=False)


def correlation_heatmap(corr: pd.DataFrame, *, title: str = "", ax=None) -> plt.Axes:
    """Lower-triangle heatmap of a correlation matrix with values written in the cells."""
    n = len(corr)
    own = ax is None
    ax = _ax(ax, figsize=(max(5.0, 0.7 * n + 2), max(4.0, 0.6 * n + 1.5)))
    mask = np.triu(np.ones_like(corr, dtype=bool), k=1)
    sns.heatmap(corr, mask=mask, ax=ax, cmap="vlag", vmin=-1, vmax=1, annot=True, fmt=".2f",
                annot_kws={"size": 7}, cbar_kws={"shrink": 0.6})
    ax.grid(False)
    ax.set_title(title)
    ax.tick_params(axis="x", labelsize=8)
    ax.tick_params(axis="y", labelsize=8)
    _fit_xticklabels(ax, own=own)
    return ax


def leaderboard_chart(data: pd.DataFrame, *, label: str = "name", value: str = "score",
                      hue: str | None = "team", title: str = "", xlabel: str = "", ax=None) -> plt.Axes:
    """Horizontal bars of the top of the leaderboard (rows in the order given)."""
    ax = _ax(ax, figsize=(7.5, max(3.0, 0.32 * len(data) + 1)))
    sns.barplot(data=data, y=label, x=value, hue=hue, dodge=False, ax=ax, orient="h")
    ax.set_title(title)
    ax.set_ylabel("")
    ax.set_xlabel(xlabel)
    _separated(ax.xaxis)
    if hue:
        ax.legend(title="", fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax


def payout_chart(data: pd.DataFrame, *, label: str, parts: list[str], title: str = "", ax=None) -> plt.Axes:
    """Stacked horizontal bars of payout components per person."""
    ax = _ax(ax, figsize=(7, max(3.0, 0.3 * len(data) + 1)))
    left = np.zeros(len(data))
    for part in parts:
        vals = data[part].fillna(0).to_numpy(dtype=float)
        ax.barh(data[label].astype(str), vals, left=left, label=part)
        left = left + vals
    ax.invert_yaxis()
    _separated(ax.xaxis)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    return ax
