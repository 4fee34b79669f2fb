"""The lesson's claims about autoregressive painters (see evidence.py)."""

from __future__ import annotations

import numpy as np

from painters.measure import experiments, timing
from painters.measure.evidence import Claim, Verdict

TIME_MARGIN = 2.0  # 64 tokens must take at least this many times as long as 16 to call it growth


def _time_grows() -> Verdict:
    t = timing.token_timings()
    ratio = t.ratio("64 cached", "16 cached")
    holds = ratio >= TIME_MARGIN
    ms = {k.split()[0]: f"{v * 1000 / 8:.1f} ms" for k, v in t.seconds.items() if k.endswith("cached")}
    measured = (
        f'<span class="measured">per picture: 16 tokens {ms["16"]}, 32 tokens {ms["32"]}, 64 tokens {ms["64"]}</span>'
        f" with the KV cache ({t.where()}; the same timing as the chapter's KV-cache table); each token is one "
        "call of the transformer, in a row"
    )
    because = (
        f"64 tokens take at least {TIME_MARGIN:g} times as long as 16 (the margin this verdict needs; timings "
        "vary, four times the tokens is four times the calls)"
        if holds
        else f"64 tokens took less than {TIME_MARGIN:g} times as long as 16"
    )
    return Verdict(holds, measured, because)


def _echo() -> Verdict:
    damage = experiments.echo()
    positions = sorted(damage)
    lost = np.array([damage[p].lost["all four"] for p in positions])
    early, late = lost[: len(lost) // 2], lost[len(lost) // 2 :]
    noise = float(np.hypot(early.std() / np.sqrt(len(early)), late.std() / np.sqrt(len(late))))
    holds = early.mean() - late.mean() > 1.645 * max(noise, 1e-9)
    rows = []
    for p in positions:
        d = damage[p]
        worst = max((k for k in d.lost if k != "all four"), key=lambda k: d.lost[k])
        rows.append(
            f"row {p // 8 + 1} ({d.depicts}): {d.changed:.0%} of later tokens change, "
            f"prompt match {-d.lost['all four']:+.0%}, most of it the {worst}"
        )
    measured = (
        "one token forced wrong in each row of the 8x8 grid (the fourth column), 64 samples, every random draw kept: "
        + "; ".join(rows)
    )
    because = (
        f"an error in the first four rows costs {early.mean():.0%} of prompt match on average, one in the last four "
        f"{late.mean():.0%}: the earlier the error, the more of the picture comes after it and is steered by it"
        if holds
        else f"errors in the first four rows cost {early.mean():.0%} on average and in the last four "
        f"{late.mean():.0%}: no more than the noise between them, so the damage here depends on what the forced "
        "patch shows more than on how early it comes"
    ) + (
        ". The literature's name for why such errors compound is exposure bias: a model trained only on true "
        "prefixes (teacher forcing) never learned to recover from its own mistakes (Ranzato et al., 2016); we did "
        "not test that explanation here"
    )
    return Verdict(bool(holds), measured, because)


CLAIMS: tuple[Claim, ...] = (
    Claim("ar-time-grows", "autoregressive", "Autoregressive painting takes longer the more tokens it writes.",
          "time for 16, 32 and 64 tokens, timed against each other", _time_grows),
    Claim("ar-echo", "autoregressive", "An early mistake echoes forward through every later token.",
          "prompt match lost when one token is forced wrong, in every row of the grid", _echo),
)  # fmt: skip
