"""The lesson's claims, each tested against this build's measurements.

A claim is one record: what the lesson says (in our words), what we measure to test it, and a
function that measures and returns the verdict together with the sentence that explains it.
Pages print `render(key)` where the lesson makes the claim and `table()` on the comparison page;
verdict and words come from the same evaluation, so a retrain that flips a result flips the
words. No verdict rests on a timing gap smaller than a stated margin: speed claims count
network passes in a row (fixed by the configs) or compare times that differ several-fold.

Reasons are of two kinds: about our painters, generated from the numbers; and about the family
in general (why GAN critics teach sharpness, why a Gaussian decoder blurs), which are marked
"In general".
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from painters import canvas
from painters.checkpoints import loading, store
from painters.families import registry
from painters.measure import experiments, gallery, judge, metrics, timing


@dataclass(frozen=True)
class Verdict:
    holds: bool
    measured: str  # what we measured, with the numbers (HTML)
    because: str  # why it holds or not (HTML), generated from the numbers or marked "In general"


@dataclass(frozen=True)
class Claim:
    key: str
    family: str  # the chapter where the lesson makes it
    lesson: str  # the lesson's claim, in our words
    test: str  # what we measure to test it
    evaluate: Callable[[], Verdict]


def _label(family: str) -> str:
    return registry.get(family).label


def _report(family: str) -> gallery.FamilyReport:
    return gallery.measure_family(family)


def _ceiling() -> metrics.Measurement:
    return gallery.real_vs_real()["trained"]


def _listing(values: Mapping[str, float], fmt: str = "{:.2f}") -> str:
    return ", ".join(f"{_label(f)} {fmt.format(v)}" for f, v in values.items())


# --- GAN ------------------------------------------------------------------------------------------


def _gan_fastest() -> Verdict:
    passes = {f: loading.network_passes(f) for f in registry.painters()}
    fewest = min(passes.values())
    tied = [_label(f) for f, p in passes.items() if p == fewest and f != "gan"]
    holds = passes["gan"] == fewest
    measured = f"network passes in a row per picture: {_listing(passes, '{:d}')}"
    if holds and tied:
        because = (
            f"one generator pass paints a picture; the {' and '.join(tied)} also paints in {fewest}, so the GAN "
            "ties for fastest rather than winning alone"
        )
    elif holds:
        because = "one generator pass paints a picture, fewer passes than any other painter needs"
    else:
        because = f"another painter needs fewer passes in a row ({fewest}) than the GAN ({passes['gan']})"
    return Verdict(holds, measured, because)


CRISP = 0.7  # a sharpness ratio (painter / real) of at least this counts as crisp


def _gan_crisp() -> Verdict:
    sharp = {f: _report(f).trained.sharpness_ratio for f in registry.painters()}
    holds = sharp["gan"] >= CRISP and sharp["gan"] >= sharp["vae"]
    measured = f"sharpness ratio to real renders (1 = as crisp as the world): {_listing(sharp)}"
    if holds:
        because = (
            f"the GAN keeps {sharp['gan']:.2f} of the world's edge energy (crisp: at least {CRISP}). In general: "
            "its critic sees pictures, not pixel errors, and a blurred picture is easy to call fake"
        )
    else:
        manifest = loading.load_model("gan")[1]
        because = (
            f"the GAN keeps only {sharp['gan']:.2f} of the world's edge energy (crisp would be {CRISP} or more), "
            f"after {manifest.steps:,} training steps. In general, GANs need long training before the critic "
            "teaches thin lines; ours is small and was trained for minutes on a CPU"
        )
    return Verdict(holds, measured, because)


COLLAPSE_MARGIN = 0.10  # coverage this far below the real-vs-real ceiling counts as weak


def _gan_collapse() -> Verdict:
    cover = {f: _report(f).trained.layout_coverage for f in registry.painters()}
    ceiling = _ceiling().layout_coverage
    spread = _report("gan").trained.layout_diversity_ratio
    holds = cover["gan"] <= ceiling - COLLAPSE_MARGIN and cover["gan"] < cover["diffusion"]
    measured = (
        f"layout coverage (share of real layouts some picture comes close to; real renders {ceiling:.2f}): "
        f"{_listing(cover)}; the GAN's layouts spread {spread:.2f} times as far as real ones"
    )
    if holds:
        because = (
            f"the GAN repeats a few layouts: it covers {cover['gan']:.2f} of real layouts against "
            f"{cover['diffusion']:.2f} for diffusion. In general: nothing in the contest rewards covering "
            "every possibility, only fooling the critic"
        )
    else:
        failed = []
        if cover["gan"] > ceiling - COLLAPSE_MARGIN:
            failed.append(f"within {COLLAPSE_MARGIN} of real renders' {ceiling:.2f}")
        if cover["gan"] >= cover["diffusion"]:
            failed.append(f"not below diffusion's {cover['diffusion']:.2f}")
        because = (
            f"the GAN covers {cover['gan']:.2f} of real layouts, {' and '.join(failed)}: it does not repeat a few "
            "layouts; its mode-seeking term pays it to keep two noises apart"
        )
        precision = {f: _report(f).trained.precision for f in ("gan", "diffusion")}
        if precision["gan"] < precision["diffusion"]:
            because += (
                f". What it lacks is fidelity: {precision['gan']:.2f} of its pictures land among real renders "
                f"(precision, judge features), against {precision['diffusion']:.2f} of diffusion's"
            )
    return Verdict(holds, measured, because)


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


def _gan_oscillation() -> Verdict:
    history = store.load_history("gan")
    curves = {"the critic's loss": turns(history["d_loss"]), "the painter's loss": turns(history["g_loss"])}
    oscillating = {name: t >= OSCILLATING_TURNS and swing(m) >= SWING for name, (m, t) in curves.items()}
    holds = all(oscillating.values())
    (d, d_turns), (g, g_turns) = curves.values()
    measured = (
        f"the saved training log, in tenths: discriminator loss {d[0]:.2f} to {d[-1]:.2f} with {d_turns} turns, "
        f"generator loss {g[0]:.2f} to {g[-1]:.2f} with {g_turns} turns"
    )
    if holds:
        because = "both losses rise and fall in turn as each player catches up with the other"
    else:
        calm = []
        for name, (m, t) in curves.items():
            if oscillating[name]:
                continue
            trend = "falls" if m[-1] < m[0] else "rises"
            calm.append(
                f"{name} {trend} from {m[0]:.2f} to {m[-1]:.2f}, turning {t} times, by {100 * swing(m):.0f}% of "
                "its level per tenth on average"
            )
        because = (
            f"{'; '.join(calm)} (oscillating would be {OSCILLATING_TURNS} turns or more, by {100 * SWING:.0f}% or "
            "more). Ours uses spectral normalisation, the hinge loss and two learning rates, which in general damp "
            "the chase. The toy below shows the chase where nothing damps it"
        )
    return Verdict(holds, measured, because)


# --- VAE ------------------------------------------------------------------------------------------

BLURRY = 0.5  # a sharpness ratio below this counts as blurry


def _vae_blur() -> Verdict:
    sharp = {f: _report(f).trained.sharpness_ratio for f in registry.painters()}
    holds = sharp["vae"] < BLURRY and sharp["vae"] == min(sharp.values())
    measured = f"sharpness ratio to real renders: {_listing(sharp)}"
    because = (
        f"the VAE keeps {sharp['vae']:.2f} of the world's edge energy, "
        + ("the least of the four" if sharp["vae"] == min(sharp.values()) else "not the least of the four")
        + ". In general: its Gaussian decoder is scored by squared error, and when many sharp pictures fit one "
        "latent, the average of them scores best, and an average has soft edges"
    )
    return Verdict(holds, measured, because)


def _vae_smooth() -> Verdict:
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
        "nearby points give nearby pictures: each step moves the picture a little, and every picture on the way "
        "is still a scene of the prompt"
        if holds
        else "the walk jumps (one step changes far more than the others) or leaves the prompt on the way"
    )
    return Verdict(holds, measured, because)


def _vae_small() -> Verdict:
    from painters.families import vae

    model, manifest = loading.load_model("vae")
    latent = int(manifest.config["latent_dim"])
    pixels = canvas.SIZE * canvas.SIZE * 3
    scenes, n = canvas.TRAIN_SCENES, 4
    real = metrics.reference(scenes, n, seed=5000)
    rebuilt = vae.reconstruct(model, real, [s.prompt for s in scenes for _ in range(n)])
    readings = judge.read(rebuilt)
    per_scene = [
        metrics.prompt_match(rebuilt[i * n : (i + 1) * n], s, metrics.scene_readings(readings, i, n))["all four"]
        for i, s in enumerate(scenes)
    ]
    match = float(np.mean(per_scene))
    holds = latent * 10 <= pixels and match >= 0.8
    measured = (
        f"{latent} latent numbers per picture against {pixels} pixel values ({pixels / latent:.0f} times fewer); "
        f"rebuilt from them, {match:.0%} of {len(real)} renders of every trained scene are still read as their prompt"
    )
    because = (
        "the picture is squeezed into a far smaller code and comes back recognisable"
        if holds
        else "the code is small, but too much is lost on the way back"
    )
    return Verdict(holds, measured, because)


# --- diffusion --------------------------------------------------------------------------------------


def _first(shares: list[float], level: float = 0.9) -> int:
    return next(i for i, s in enumerate(shares) if s >= level)


def _diffusion_layout_first() -> Verdict:
    times, layout, texture = experiments.settling()
    i_layout, i_texture = _first(layout), _first(texture)
    holds = i_layout < i_texture
    measured = (
        f"64 samples, 10 steps: the predicted clean picture has 90% of its final layout (4x4 blocks) by step "
        f"{i_layout + 1} (t = {times[i_layout]}), and 90% of its final texture (what the blocks leave out) by step "
        f"{i_texture + 1} (t = {times[i_texture]})"
    )
    because = (
        "the coarse picture settles steps before the fine detail does"
        if holds
        else "here texture settles no later than layout"
    )
    return Verdict(holds, measured, because)


def _diffusion_slow_best() -> Verdict:
    passes = {f: loading.network_passes(f) for f in registry.painters()}
    frechet = {f: _report(f).trained.frechet for f in registry.painters()}
    best = min(frechet, key=frechet.__getitem__)
    slow = passes["diffusion"] > min(passes.values())
    holds = slow and best == "diffusion"
    measured = (
        f"Frechet distance to real renders in the judge's features (real vs real: {_ceiling().frechet:.1f}; lower is "
        f"closer): {_listing(frechet, '{:.1f}')}; network passes per picture: {_listing(passes, '{:d}')}"
    )
    because = (
        f"diffusion pays {passes['diffusion']} passes per picture and lands closest to the real pictures"
        if holds
        else f"closest to the real pictures is {_label(best)}"
        + ("" if slow else ", and diffusion is not slower in passes")
    )
    return Verdict(holds, measured, because)


PROMPT_MARGIN = 0.02  # held-out prompt match within this of the best counts as a tie


def _diffusion_prompt_control() -> Verdict:
    held = {f: _report(f).held_out.prompt_match["all four"] for f in registry.painters()}
    trained = {f: _report(f).trained.prompt_match["all four"] for f in registry.painters()}
    best_other = max(v for f, v in held.items() if f != "diffusion")
    holds = held["diffusion"] >= best_other - PROMPT_MARGIN
    measured = (
        f"share of pictures the judge reads as their prompt, all four attributes right, on the 4 held-out "
        f"combinations: {_listing(held, '{:.0%}')} (on the 140 trained scenes: {_listing(trained, '{:.0%}')})"
    )
    because = (
        "diffusion follows prompts it never saw at least as well as any other painter: the prompt steers every one "
        "of its steps, and guidance pushes each step towards it"
        if holds
        else f"another painter follows unseen prompts better by more than {PROMPT_MARGIN:.0%}"
    )
    return Verdict(holds, measured, because)


# --- autoregressive ---------------------------------------------------------------------------------

TIME_MARGIN = 2.0  # 64 tokens must take at least this many times as long as 16 to call it growth


def _ar_time_grows() -> Verdict:
    t = timing.token_timings()
    ratio = t.ratio("64", "16")
    holds = ratio >= TIME_MARGIN
    ms = {k: f"{v * 1000 / 8:.1f} ms" for k, v in t.seconds.items()}
    measured = (
        f'<span class="measured">per picture: 16 tokens {ms["16"]}, 32 tokens {ms["32"]}, 64 tokens {ms["64"]}</span>'
        f" ({t.where()}); each token is one pass of the transformer, in a row"
    )
    because = (
        f"64 tokens take at least {TIME_MARGIN:g} times as long as 16 (the margin this verdict needs; timings "
        "vary, four times the tokens is four times the passes)"
        if holds
        else f"64 tokens took less than {TIME_MARGIN:g} times as long as 16"
    )
    return Verdict(holds, measured, because)


ECHO_MARGIN = 0.05  # an early error must cost this much more prompt match than a late one


def _ar_echo() -> Verdict:
    damage = experiments.echo()
    (early, (e_changed, e_lost)), (late, (l_changed, l_lost)) = sorted(damage.items())
    holds = e_lost >= l_lost + ECHO_MARGIN
    measured = (
        f"one token forced wrong, 64 samples, every random draw kept: at position {early}, {e_changed:.0%} of the "
        f"later tokens change and prompt match drops by {e_lost:.0%}; at position {late}, {l_changed:.0%} change "
        f"and it drops by {l_lost:.0%}"
    )
    because = (
        "an early wrong token steers every token after it, and the damage shows in what the picture is"
        if holds
        else f"the early error cost less than {ECHO_MARGIN:.0%} more prompt match than the late one"
    ) + (
        ". In general this is exposure bias: trained only on true prefixes (teacher forcing), the model never "
        "learned to recover from its own mistakes"
    )
    return Verdict(holds, measured, because)


CLAIMS: tuple[Claim, ...] = (
    Claim("gan-fastest", "gan", "GANs are the fastest at painting: one forward pass is enough.",
          "network passes in a row per picture, fixed by each painter's config", _gan_fastest),
    Claim("gan-crisp", "gan", "GAN pictures are crisp: strong local sharpness.",
          "sharpness ratio to real renders, on all 140 trained scenes", _gan_crisp),
    Claim("gan-collapse", "gan",
          "GANs cover the possibilities weakly, so their pictures look repetitive (mode collapse).",
          "layout coverage: how many real layouts the painter's pictures come near, per scene", _gan_collapse),
    Claim("gan-oscillation", "gan", "The contest oscillates: the loss curves jump around.",
          "turns, and their size, in the saved training losses", _gan_oscillation),
    Claim("vae-blur", "vae", "VAE pictures are blurrier than the others.",
          "sharpness ratio to real renders", _vae_blur),
    Claim("vae-smooth", "vae", "The VAE's latent space is smooth: nearby points give nearby pictures.",
          "a walk between two latent points: even steps, every picture on the prompt", _vae_smooth),
    Claim("vae-small", "vae", "A VAE squeezes the picture into a much smaller code and rebuilds it from there.",
          "latent size against pixels, and whether rebuilds are still read as their prompt", _vae_small),
    Claim("diffusion-layout-first", "diffusion", "Diffusion settles the layout early and the texture late.",
          "how much of the final layout and texture each step's prediction already has", _diffusion_layout_first),
    Claim("diffusion-slow-best", "diffusion", "Diffusion is slow, but its pictures are the best.",
          "network passes per picture, and the Frechet distance to real renders", _diffusion_slow_best),
    Claim("diffusion-prompt-control", "diffusion", "Diffusion follows prompts best.",
          "prompt match on combinations never seen in training", _diffusion_prompt_control),
    Claim("ar-time-grows", "autoregressive", "Autoregressive painting takes longer the more tokens it writes.",
          "time for 16, 32 and 64 tokens, timed against each other", _ar_time_grows),
    Claim("ar-echo", "autoregressive", "An early mistake echoes forward through every later token.",
          "prompt match lost when one early or one late token is forced wrong", _ar_echo),
)  # fmt: skip


def get(key: str) -> Claim:
    for claim in CLAIMS:
        if claim.key == key:
            return claim
    raise ValueError(f"unknown claim {key!r}; known: {', '.join(c.key for c in CLAIMS)}")


@functools.cache
def verdict(key: str) -> Verdict:
    """A claim's verdict in this build (evaluated once per build)."""
    return get(key).evaluate()
