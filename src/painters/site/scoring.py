"""The lesson's score on the pages: the score table and the honest reading of ours against it,
as HTML generated from the rows (painters.measure.lesson holds the arithmetic)."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

from painters.measure.lesson import (
    AXES,
    LESSON_WEIGHTS,
    Ratings,
    Weights,
    disagreements,
    fewest_passes,
    names,
    ranking,
    score_rows,
    speed_score,
)


def score_table_html(rows: Iterable[Ratings], weights: Weights = LESSON_WEIGHTS, *, timed: bool = False) -> str:
    """An HTML table showing, for each family, its total and every weighted term.

    Family and Total come first, so the answer reads at any width; the terms follow, each cell
    reading ``0.35 × 8 = 2.80`` so the table is the computation, not only its result. The
    highest total is marked in bold. The table is its own single scroll box (a focusable,
    labelled region; the stylesheet pins the family column while the terms scroll under it on a
    phone), and stays out of the search index. timed=True marks the cells that depend on a time
    measured during the build (time, speed score, total) as such, for the determinism check.
    """
    scored = score_rows(rows, weights)
    if not scored:
        raise ValueError("rows is empty: there is nothing to score")
    best = max(breakdown.total for _, breakdown in scored)
    header = (
        "<thead><tr><th>Family</th>"
        "<th>Total</th>"
        f"<th>Sharpness × {weights.sharpness:.2f}</th>"
        f"<th>Prompt match × {weights.prompt_match:.2f}</th>"
        f"<th>Diversity × {weights.diversity:.2f}</th>"
        "<th>Time (s)</th>"
        f"<th>Speed score × {weights.speed:.2f}</th></tr></thead>"
    )
    body = []
    for row, b in scored:
        total = f"{b.total:.2f}"
        if math.isclose(b.total, best):
            total = f"<strong>{total}</strong>"
        seconds = _decimal(row.seconds)
        speed = _term(weights.speed, b.speed_score, b.speed_term, _decimal(b.speed_score))
        if timed:
            total, seconds, speed = (f'<span class="measured">{x}</span>' for x in (total, seconds, speed))
        body.append(
            "<tr>"
            f"<td>{html.escape(row.family)}</td>"
            f"<td>{total}</td>"
            f"<td>{_term(weights.sharpness, row.sharpness, b.sharpness_term)}</td>"
            f"<td>{_term(weights.prompt_match, row.prompt_match, b.prompt_match_term)}</td>"
            f"<td>{_term(weights.diversity, row.diversity, b.diversity_term)}</td>"
            f"<td>{seconds}</td>"
            f"<td>{speed}</td>"
            "</tr>"
        )
    # The table has a class, so Material neither wraps it in a second scroll box nor styles it
    # (extra.css does); the wrapper is the one box that scrolls sideways on a phone.
    table = f'<table class="painters-table">{header}<tbody>{"".join(body)}</tbody></table>'
    label = "Score table: each family's total and weighted terms"
    return (
        f'<div class="painters-score painters-scroll" tabindex="0" role="region" aria-label="{label}" '
        f"data-search-exclude>{table}</div>"
    )


def _term(weight: float, value: float, term: float, value_text: str | None = None) -> str:
    # Two unbreakable halves: on a narrow screen the cell wraps before "=", nowhere else.
    product = f"{weight:.2f} × {value_text or f'{value:g}'}"
    return f"<span>{product}</span> <span>= {term:.2f}</span>"


def _decimal(value: float) -> str:
    """Times the way the lesson writes them (4.0, 0.2), without hiding small measured ones."""
    return f"{value:.1f}" if round(value, 1) == value else f"{value:.3g}"


def _reason(family: str, axis: str, theirs: float, ours: float) -> str:
    """Why a measured rating sits where it does, from what the rating is made of."""
    if axis == "prompt_match":
        if ours > theirs:
            return (
                "our world is closed: every prompt names one of 144 combinations of a few words, and the painters "
                "saw 140 of them in training; the lesson imagines open-ended prompts"
            )
        return "a 10 means every picture read right on all four attributes; misses on any one cost the whole picture"
    if axis == "sharpness":
        return (
            "10 means as crisp as the world's own renders, and the scale counts both ways: half as sharp and twice "
            "as sharp (speckle) both score 5"
        )
    return (
        "10 means a prompt's pictures differ from each other as much as real renders do, in the judge's features; "
        "more spread than the world (junk) costs as much as less"
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def honest_reading(
    lesson: Iterable[Ratings],
    measured: Iterable[Ratings],
    *,
    reasons: dict[tuple[str, str], str] | None = None,
    show: int = 12,
) -> str:
    """Where our measured rows agree with the lesson and where not, as HTML generated from them:
    every family on every axis, the largest disagreements first, each with its reason (from
    `reasons`, keyed (family, axis), where one is given: the claims' own explanations; else from
    what the rating is made of); then the ranking by total, and time."""
    lesson, measured = list(lesson), list(measured)
    points = []
    for family, axis, theirs, ours in disagreements(lesson, measured)[:show]:
        gap = ours - theirs
        size = "agrees" if abs(gap) < 1 else f"{abs(gap):.1f} {'higher' if gap > 0 else 'lower'}"
        points.append(
            f"<strong>{html.escape(family)}, {AXES[axis]}</strong>: the lesson rates {theirs:g}, we measured "
            f"{ours:.1f} ({size}). "
            + _sentence((reasons or {}).get((family, axis)) or _reason(family, axis, theirs, ours))
        )
    lesson_rank, measured_rank = ranking(lesson), ranking(measured)
    same = [a.lower() for a in lesson_rank] == [b.lower() for b in measured_rank]
    points.append(
        f"Ranking by total: the lesson has {' &gt; '.join(lesson_rank)}; we measured "
        f"{' &gt; '.join(measured_rank)}. " + ("They agree." if same else "They differ.")
    )
    fastest, slowest = min(r.seconds for r in measured), max(r.seconds for r in measured)
    speeds = [speed_score(r.seconds) for r in measured]

    def timed(text: str) -> str:
        return f'<span class="measured">{text}</span>'

    quick = fewest_passes(measured)
    many = sorted((r for r in measured if r not in quick), key=lambda r: (r.passes, r.family))
    one = "one network call" if quick[0].passes == 1 else f"{quick[0].passes} network calls"
    passes = f"{names(quick)} paint{'s' if len(quick) == 1 else ''} a picture in {one} in a row" + (
        "; " + names(f"{r.family} in {r.passes}" for r in many) if many else ""
    )
    points.append(
        f"Time: every painter here takes between {timed(f'{fastest * 1000:.2f} ms')} and "
        f"{timed(f'{slowest * 1000:.1f} ms')} per picture, so the lesson's speed score (10 - seconds) lands "
        f"between {timed(f'{min(speeds):.3f}')} and {timed(f'{max(speeds):.3f}')} for all of them: it "
        f"saturates, and speed stops counting. Calls in a row are fixed by the configs: {passes}. They do not "
        "fix the order in time on their own, because a call costs what its network costs: each of the "
        "autoregressive painter's calls reads one new position, each of diffusion's a whole picture twice."
    )
    return "<ul>" + "".join(f"<li>{p}</li>" for p in points) + "</ul>"
