"""The lesson's claims about GANs, each tested at equal compute (see evidence.py)."""

from __future__ import annotations

import numpy as np

from painters.checkpoints import loading, store
from painters.families import registry
from painters.measure import ring
from painters.measure.evidence import (
    Claim,
    Verdict,
    ceiling,
    label,
    listing,
    names,
    reading,
    readings,
    trend,
    worst,
)


def _fastest() -> Verdict:
    passes = {f: loading.network_passes(f) for f in registry.painters()}
    fewest = min(passes.values())
    tied = [label(f) for f, p in passes.items() if p == fewest and f != "gan"]
    holds = passes["gan"] == fewest
    measured = "network calls in a row to paint one picture: " + ", ".join(
        f"{label(f)} {p:d}" for f, p in passes.items()
    )
    if holds and tied:
        because = f"one generator call paints a picture; {' and '.join(tied)} also needs only {fewest}"
    elif holds:
        because = "one generator call paints a picture, fewer calls in a row than any other painter needs"
    else:
        because = f"another painter needs fewer calls in a row ({fewest}) than the GAN ({passes['gan']})"
    return Verdict(holds, measured, because)


def _crisp() -> Verdict:
    sharp = readings("sharpness_ratio")
    real = reading(ceiling(), "sharpness_ratio")
    dullest = worst(sharp)
    holds = "gan" not in dullest and all(not sharp[f].above(sharp["gan"]) for f in sharp)
    measured = (
        f"sharpness ratio to real renders (edge energy; real renders against real renders {real.value:.2f}): "
        + listing(sharp)
    )
    if holds:
        because = (
            "no painter's pictures carry more edge energy than the GAN's beyond the noise. The usual explanation: "
            "its critic judges whole pictures, and a blurred picture is easy to call fake (Goodfellow et al., 2014)"
        )
    else:
        sharper = [f for f in sharp if sharp[f].above(sharp["gan"])]
        because = (
            f"{names(sharper)} paint{'s' if len(sharper) == 1 else ''} sharper edges than the GAN beyond the noise, "
            "at the same training compute"
        )
    return Verdict(holds, measured, because, trend("gan", "sharpness_ratio"))


def _collapse() -> Verdict:
    cover = readings("layout_coverage")
    recall = readings("recall")
    real = reading(ceiling(), "layout_coverage")
    holds = all(cover["gan"].below(cover[f]) for f in cover if f != "gan")
    measured = (
        f"layout coverage (the share of real layouts some picture comes close to, per scene; real renders "
        f"{real.value:.2f}): {listing(cover)}; recall in the judge's features: {listing(recall)}"
    )
    if holds:
        because = (
            "the GAN covers fewer real layouts than every other painter, beyond the noise: it repeats a few. "
            "The usual explanation: nothing in the contest rewards covering every possibility, only fooling the "
            "critic (Goodfellow et al., 2014; Srivastava et al., 2017)"
        )
    else:
        above = [f for f in cover if f != "gan" and not cover["gan"].below(cover[f])]
        because = (
            f"the GAN covers no fewer real layouts than {names(above)} (within the noise or above). Ours has two "
            "remedies built in: the mode-seeking term pays it to keep two noises' pictures apart (Mao et al., "
            "2019), and the R1 penalty keeps its critic from throwing it between answers (Mescheder et al., 2018)"
        )
    return Verdict(holds, measured, because, trend("gan", "layout_coverage"))


def turns(values: list[float], segments: int = 10) -> tuple[list[float], int]:
    """The means of `segments` equal stretches of a curve, and how often their direction turns."""
    parts = np.array_split(np.asarray(values, dtype=float), segments)
    means = [float(p.mean()) for p in parts]
    steps = np.sign(np.diff(means))
    return means, int((steps[1:] * steps[:-1] < 0).sum())


OSCILLATING_TURNS = 3  # a curve whose tenths turn direction this often, ...
SWING = 0.10  # ... by at least this share of its level on average, is called oscillating


def swing(means: list[float]) -> float:
    """The average step between consecutive tenths of a curve, as a share of its mean level."""
    return float(np.abs(np.diff(means)).mean() / max(abs(float(np.mean(means))), 1e-9))


def _oscillation() -> Verdict:
    history = store.load_history("gan")
    curves = {"the critic's loss": turns(history["d_loss"]), "the painter's loss": turns(history["g_loss"])}
    oscillating = {name: t >= OSCILLATING_TURNS and swing(m) >= SWING for name, (m, t) in curves.items()}
    holds = all(oscillating.values())
    plain, fixed = ring.runs(ring.Setting()), ring.runs(ring.Setting(r1=ring.R1))
    hops = {"plain": [ring.hops(r) for r in plain], "R1": [ring.hops(r) for r in fixed]}
    (d, d_turns), (g, g_turns) = curves.values()
    measured = (
        f"the painter's saved training log, in tenths: critic loss {d[0]:.2f} to {d[-1]:.2f} with {d_turns} turns, "
        f"painter loss {g[0]:.2f} to {g[-1]:.2f} with {g_turns} turns; on the ring toy below, hops (times the set "
        f"of covered blobs changed from one tenth of training to the next) over {len(plain)} seeds: plain "
        f"{sum(hops['plain'])}, with R1 {sum(hops['R1'])}"
    )
    if holds:
        because = "both losses rise and fall in turn as each player catches up with the other"
    else:
        calm = []
        for name, (m, t) in curves.items():
            if not oscillating[name]:
                trend_word = "falls" if m[-1] < m[0] else "rises"
                times = f"{t} time" if t == 1 else f"{t} times"
                calm.append(f"{name} {trend_word} from {m[0]:.2f} to {m[-1]:.2f}, turning {times}")
        because = (
            f"{'; '.join(calm)} (oscillating would be {OSCILLATING_TURNS} turns or more, each of {100 * SWING:.0f}% "
            "of the level or more). Ours trains with the R1 penalty, spectral normalisation and the hinge loss, "
            "which are meant to damp the chase (Mescheder et al., 2018; Miyato et al., 2018); the ring toy shows "
            "the chase where nothing damps it, and what R1 does to it"
        )
    return Verdict(holds, measured, because)


CLAIMS: tuple[Claim, ...] = (
    Claim("gan-fastest", "gan", "GANs are the fastest at painting: one forward pass is enough.",
          "network calls in a row per picture, fixed by each painter's config", _fastest),
    Claim("gan-crisp", "gan", "GAN pictures are crisp: strong local sharpness.",
          "sharpness ratio to real renders, every painter at the same training compute", _crisp),
    Claim("gan-collapse", "gan",
          "GANs cover the possibilities weakly, so their pictures look repetitive (mode collapse).",
          "layout coverage and recall, every painter at the same training compute", _collapse),
    Claim("gan-oscillation", "gan", "The contest oscillates: the loss curves jump around.",
          "turns, and their size, in the saved training losses; hops on the ring toy", _oscillation),
)  # fmt: skip
