"""Learning-curve charts: each metric against training compute, the painters in their colours.

Compute is on a log scale in PFLOP (the budget's halvings are evenly spaced); every point has
its 90% interval as a bar; the real-vs-real level (what the world itself scores on the same
protocol) is a dashed line. On a chapter, one painter's curve also shows its minutes on the
machine that trained it on a second axis (minutes differ between painters for the same
compute: each network uses the processor differently).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from painters.families import registry
from painters.measure import gallery, learning
from painters.site import figures

#: (interval key, label, which way is better) for the charts; prompt match is "all four".
METRICS = (
    ("all four", "prompt match (all four right)", "higher"),
    ("sharpness_ratio", "sharpness ratio (real = 1)", "one"),
    ("frechet", "Frechet distance (lower = closer)", "lower"),
    ("layout_coverage", "layout coverage", "higher"),
    ("precision", "precision (fidelity)", "higher"),
    ("recall", "recall (coverage)", "higher"),
)


def _label(key: str) -> str:
    return next(label for k, label, _ in METRICS if k == key)


def chart(keys: Sequence[str], families: Sequence[str], *, group: str = "trained") -> str:
    """Small multiples: one panel per metric, stacked, one line per painter, the ceiling dashed.

    One panel to a row, all text at the chart style's size: the SVG shrinks to a 375 px phone's
    width, and two panels side by side put tick labels under 9 px there (tests/browser)."""
    import matplotlib.pyplot as plt

    ceiling = gallery.real_vs_real()[group]
    solo = len(families) == 1
    first = learning.curve(families[0])
    ticks = [p.pflop for p in first.points]
    budget = first.compute.get("budget_pflop", ticks[-1])
    with plt.rc_context(figures.chart_style()):  # type: ignore[arg-type]
        fig, axes = plt.subplots(len(keys), 1, figsize=(5.6, 2.9 * len(keys) + (0.4 if solo else 0.9)),
                                 squeeze=False)  # fmt: skip
        for index, (ax, key) in enumerate(zip(axes.flat, keys, strict=True)):
            for family in families:
                c = learning.curve(family)
                x = [p.pflop for p in c.points]
                y = c.values(key, group)
                lows, highs = zip(*c.intervals(key, group), strict=True)
                err = [
                    [v - lo for v, lo in zip(y, lows, strict=True)],
                    [hi - v for v, hi in zip(y, highs, strict=True)],
                ]
                colour = figures.FAMILY_COLOURS[family]
                ax.errorbar(x, y, yerr=err, color=colour, marker="o", markersize=5, capsize=3,
                            label=registry.get(family).label)  # fmt: skip
            ax.axhline(ceiling.value(key), color=figures.FAMILY_COLOURS["real"], linestyle="--", linewidth=1.5,
                       label="real renders")  # fmt: skip
            ax.set_xscale("log", base=2)
            ax.set_title(_label(key))
            # Short tick labels (B/16 .. B) read on a phone; the axis label says what B is.
            ax.set_xticks(ticks, _fractions([p.fraction for p in first.points]))
            ax.minorticks_off()
            if index == len(keys) - 1:
                ax.set_xlabel(f"training compute, B = {budget:g} PFLOP")
            if solo and index == 0:
                top = ax.secondary_xaxis("top")
                top.set_xticks(ticks, [f"{p.minutes:.0f}" for p in first.points])
                top.minorticks_off()
                top.set_xlabel("minutes of training here", labelpad=8)
                ax.set_title(_label(key), pad=52)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="lower center", ncols=min(len(labels), 3), bbox_to_anchor=(0.5, 0))
        legend_rows = -(-len(labels) // 3)
        fig.tight_layout(rect=(0, 0.35 * legend_rows / fig.get_figheight(), 1, 1))
    names = ", ".join(registry.get(f).label for f in families)
    alt = (
        f"Learning curves of {names}: " + "; ".join(_label(k) for k in keys)
        + " against training compute, with the real renders' level as a dashed line"
    )  # fmt: skip
    return figures.svg_chart(fig, alt=alt)


def minutes_table(families: Sequence[str]) -> str:
    """Each painter's minutes of training at each share of the budget (the compute is the same)."""
    curves = {f: learning.curve(f) for f in families}
    shares = [p.fraction for p in next(iter(curves.values())).points]
    header = ["painter", *(f"{f} minutes" for f in _fractions(shares))]
    rows = [(registry.get(f).label, *(f"{p.minutes:.1f}" for p in c.points)) for f, c in curves.items()]
    caption = "Minutes of training at each share of the budget B, on the machine that trained them"
    return figures.table(rows, header, caption=caption)


def _fractions(shares: Sequence[float]) -> list[str]:
    return [f"B/{round(1 / s)}" if s < 1 else "B" for s in shares]


def budget_sentence(families: Sequence[str]) -> str:
    """One sentence saying what every painter had: the same counted compute."""
    computes = {f: learning.curve(f).compute for f in families}
    listing = ", ".join(
        f"{registry.get(f).label} {c.get('total_pflop', float('nan')):.4f}" for f, c in computes.items()
    )
    budget = next(iter(computes.values())).get("budget_pflop", float("nan"))
    return (
        f"<p>Every painter trained on the same budget, B = {budget:g} PFLOP of counted training compute "
        f"(as counted: {html.escape(listing)} PFLOP).</p>"
    )
