"""The lesson's claims about VAEs, each tested at equal compute (see evidence.py)."""

from __future__ import annotations

import numpy as np

from painters import canvas
from painters.measure import experiments, judge, metrics
from painters.measure.evidence import Claim, Verdict, ceiling, listing, names, reading, readings, trend, worst


def _blur() -> Verdict:
    sharp = readings("sharpness_ratio")
    real = reading(ceiling(), "sharpness_ratio")
    dullest = worst(sharp)
    holds = dullest == ["vae"]
    measured = f"sharpness ratio to real renders (real renders against real renders {real.value:.2f}): {listing(sharp)}"
    if holds:
        because = (
            "the VAE's pictures carry less edge energy than every other painter's, beyond the noise. The usual "
            "explanation: its decoder is scored by squared error, and where many sharp pictures fit one latent, "
            "their average scores best, and an average has soft edges (Kingma & Welling, 2013; Larsen et al., 2016)"
        )
    elif "vae" in dullest:
        because = f"the VAE ties for the blurriest with {names([f for f in dullest if f != 'vae'])} (within the noise)"
    else:
        because = f"{names(dullest)} paint{'s' if len(dullest) == 1 else ''} blurrier pictures than the VAE"
    return Verdict(holds, measured, because, trend("vae", "sharpness_ratio"))


def _smooth() -> Verdict:
    pictures, layouts = experiments.walk()
    change = np.abs(np.diff(pictures.astype(float), axis=0)).mean(axis=(1, 2, 3))  # per step, 0..255
    evenness = float(change.max() / change.mean())
    x = layouts[:, canvas.LAYOUT_FIELDS.index("object_x")]
    on_prompt = metrics.prompt_match(pictures, canvas.parse_prompt(canvas.SHARED_PROMPT), judge.read(pictures))
    holds = evenness <= 2.5 and on_prompt["all four"] >= 0.8
    measured = (
        f"a {len(pictures)}-picture walk between two rebuilt renders: the largest step changes the picture "
        f"{evenness:.1f} times as much as the average step; the judge reads the object's position going "
        f"{x[0]:.0f} &rarr; {x[len(x) // 2]:.0f} &rarr; {x[-1]:.0f} px, and {on_prompt['all four']:.0%} of the "
        "pictures as the prompt"
    )
    because = (
        "nearby points give nearby pictures (smooth: no step more than 2.5 times the average): each step moves the "
        "picture a little, and the pictures on the way stay scenes of the prompt"
        if holds
        else "the walk jumps (one step changes far more than the others) or leaves the prompt on the way"
    )
    return Verdict(holds, measured, because)


def _small() -> Verdict:
    found = experiments.latent_carries()
    rebuilt, average = found["rebuilt"], found["prior mean"]
    if not isinstance(rebuilt, dict) or not isinstance(average, dict):
        raise TypeError("latent_carries gave no measurements")
    (e_r, lo_r, hi_r), (e_a, lo_a, hi_a) = rebuilt["layout_error"], average["layout_error"]
    match_r, match_a = rebuilt["prompt_match"][0], average["prompt_match"][0]
    latent, pixels = found["latent"], found["pixels"]
    carries = hi_r < lo_a  # the rebuilds stand nearer the real layout, beyond the noise
    holds = carries and match_r >= match_a - 0.05
    measured = (
        f"{latent} latent numbers per picture against {pixels} pixel values. Real renders of the measured scenes "
        f"rebuilt from their own latents: the object stands {e_r:.1f} px ({lo_r:.1f}&ndash;{hi_r:.1f}) from where "
        f"the real render has it, and {match_r:.0%} are read as their prompt. Painted from the prompt's average "
        f"latent instead: {e_a:.1f} px ({lo_a:.1f}&ndash;{hi_a:.1f}) off, {match_a:.0%} read as their prompt"
    )
    if holds:
        because = (
            "the few numbers carry this picture's layout (where the object stands, how big), and the rebuild keeps it; "
            "what the object is and its colour come from the prompt, which the decoder also reads: our VAE squeezes "
            "what the words leave open, not the whole picture"
        )
    elif not carries:
        because = "the rebuilds stand no nearer the real layout than pictures of the prompt's average latent"
    else:
        because = "the rebuilds keep the layout but lose the prompt more often than painting from the prompt alone"
    return Verdict(holds, measured, because)


CLAIMS: tuple[Claim, ...] = (
    Claim("vae-blur", "vae", "VAE pictures are blurrier than the others.",
          "sharpness ratio to real renders, every painter at the same training compute", _blur),
    Claim("vae-smooth", "vae", "The VAE's latent space is smooth: nearby points give nearby pictures.",
          "a walk between two latent points: even steps, every picture on the prompt", _smooth),
    Claim("vae-small", "vae", "A VAE squeezes the picture into a much smaller code and rebuilds it from there.",
          "where the rebuilds put the object, against pictures of the prompt's average latent", _small),
)  # fmt: skip
