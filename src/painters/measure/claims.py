"""The lesson's claims, each tested against this build's measurements at equal compute.

A claim is one record (evidence.Claim): what the lesson says (in our words), what we measure to
test it, and a function that measures and returns the verdict together with the sentence that
explains it and, where the verdict compares painters, how the deciding number moved over the
last two doublings of training compute. Pages print site/verdicts.render(key) where the lesson
makes the claim and verdicts.table() on the comparison page; verdict and words come from the
same evaluation, so a retrain that flips a result flips the words.

Every painter trained on the same counted budget (training/budget.py) and is measured with the
same protocol, each number with its 90% interval: a comparison holds only beyond the noise, and
no verdict rests on an absolute threshold that no painter reaches; it compares painters with
each other or with real renders. A "because" that asserts a cause has a measurement on the page,
or is worded as the literature's explanation, with its citation.
"""

from __future__ import annotations

import functools

from painters.measure import claims_ar, claims_diffusion, claims_gan, claims_vae
from painters.measure.evidence import Claim, Verdict

CLAIMS: tuple[Claim, ...] = (*claims_gan.CLAIMS, *claims_vae.CLAIMS, *claims_diffusion.CLAIMS, *claims_ar.CLAIMS)

__all__ = ["CLAIMS", "Claim", "Verdict", "get", "verdict"]


def get(key: str) -> Claim:
    for claim in CLAIMS:
        if claim.key == key:
            return claim
    raise ValueError(f"unknown claim {key!r}; known: {', '.join(c.key for c in CLAIMS)}")


@functools.cache
def verdict(key: str) -> Verdict:
    """A claim's verdict in this build (evaluated once per build)."""
    return get(key).evaluate()
