"""The lesson's claims on the pages: where a chapter makes one, and all of them on one sheet.

The verdicts come from painters.measure.claims (evaluated once per build); this module only
lays them out, so a retrain that flips a verdict flips the words and the colour together.
"""

from __future__ import annotations

import html

from painters.families import registry
from painters.measure.claims import CLAIMS, get, verdict
from painters.site import figures


def word(holds: bool) -> str:
    return "agrees" if holds else "disagrees"


def render(key: str) -> str:
    """A claim where the chapter makes it: the lesson's words, our measurement, the verdict."""
    claim, v = get(key), verdict(key)
    return (
        f'<div class="admonition {"success" if v.holds else "warning"} painters-claim" data-claim="{claim.key}" '
        f'data-verdict="{word(v.holds)}">'
        f'<p class="admonition-title">The lesson says: {html.escape(claim.lesson)}</p>'
        f"<p><strong>We measured</strong> {v.measured}, every painter at the same training compute.</p>"
        f"<p><strong>Our measurement {word(v.holds)}</strong>, because {v.because}.</p>" + _trend(v.trend) + "</div>"
    )


def _trend(text: str) -> str:
    """The trend line under a verdict: how its deciding number moved as compute doubled."""
    if not text:
        return ""
    return f'<p class="painters-trend"><strong>Over the last two doublings of compute</strong>, {text}.</p>'


def table() -> str:
    """Every claim on one sheet: where the lesson makes it, the verdict, and why."""
    rows = []
    for claim in CLAIMS:
        v = verdict(claim.key)
        page = f'<a href="../{claim.family}/">{html.escape(registry.get(claim.family).label)}</a>'
        rows.append((figures.Html(page), claim.lesson, figures.Html(f"<strong>{word(v.holds)}</strong>"),
                     figures.Html(v.because), figures.Html(v.trend or "&mdash;")))  # fmt: skip
    header = ["chapter", "the lesson says", "we measured: it", "because", "last two doublings of compute"]
    return figures.table(rows, header)


#: Which claim explains which of the comparison table's ratings (family label, axis).
EXPLAINS = {
    ("GAN", "sharpness"): "gan-crisp",
    ("GAN", "diversity"): "gan-collapse",
    ("VAE", "sharpness"): "vae-blur",
    ("Diffusion", "prompt_match"): "diffusion-prompt-control",
}


def reasons() -> dict[tuple[str, str], str]:
    """The claims' explanations for the comparison table's ratings they bear on."""
    return {key: verdict(claim).because for key, claim in EXPLAINS.items()}
