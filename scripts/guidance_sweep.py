"""How the diffusion painter's guidance scale was chosen: a sweep on the committed checkpoint.

    python scripts/guidance_sweep.py              # scales 1, 1.5, 2, 2.5, 3
    python scripts/guidance_sweep.py 1.5 2 4      # just these

For each scale: the whole-world measurement the manifest records at save time (metrics.measure:
140 trained scenes x 16 pictures, 4 held-out x 64). The rule: the lowest Frechet distance among
the scales that keep all four parts of the prompt right in >= 95% of pictures, rounded toward
the safer, more faithful scale when two are within a few percent. A few minutes on a laptop CPU
per scale.
"""

from __future__ import annotations

import argparse
import time

from painters.checkpoints import loading
from painters.core import machine
from painters.families import diffusion
from painters.measure import metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scales", nargs="*", type=float, default=[1.0, 1.5, 2.0, 2.5, 3.0])
    args = parser.parse_args(argv)
    machine.use_threads()
    model, manifest = loading.load_model("diffusion")
    print(f"checkpoint diffusion: {manifest.steps} steps, sampling with guidance {model.config.guidance:g} by default")
    print(f"{'scale':>6} {'all four':>9} {'Frechet':>8} {'precision':>10} {'recall':>7} {'seconds':>8}")
    for scale in args.scales:
        start = time.perf_counter()

        def paint(prompts: list[str], seed: int, scale: float = scale) -> object:
            return diffusion.sample_images(model, prompts, len(prompts), seed=seed, guidance=scale)

        m = metrics.measure(paint)["trained"]  # type: ignore[arg-type]
        seconds = time.perf_counter() - start
        print(
            f"{scale:>6g} {m.prompt_match['all four']:>9.3f} {m.frechet:>8.2f} {m.precision:>10.3f} "
            f"{m.recall:>7.3f} {seconds:>8.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
