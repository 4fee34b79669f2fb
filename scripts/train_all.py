"""Retrain every committed checkpoint from scratch, one after another, with progress bars.

    python scripts/train_all.py            # the judge, then the four painters and the VAE sweep
    python scripts/train_all.py diffusion  # just one

Each run is the same as `python -m painters train NAME`; the manifests record the wall time
and hardware. On the project's 2-core CPU, see docs/performance.md for the measured times.
"""

from __future__ import annotations

import argparse
import sys

from painters import training

# (checkpoint name, family, config overrides): the committed set.
CHECKPOINTS: list[tuple[str, str, dict[str, object]]] = [
    ("judge", "judge", {}),
    ("gan", "gan", {}),
    ("vae", "vae", {}),
    # the beta sweep on the VAE page: the same VAE with the KL term weighted 0.1, 1 and 4
    ("vae-beta0.1", "vae", {"beta": 0.1, "steps": 1500}),
    ("vae-beta1", "vae", {"beta": 1.0, "steps": 1500}),
    ("vae-beta4", "vae", {"beta": 4.0, "steps": 1500}),
    ("diffusion", "diffusion", {}),
    ("autoregressive", "autoregressive", {}),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help="checkpoints to retrain (default: all)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (1 is faster on a busy machine)")
    args = parser.parse_args(argv)
    if args.threads is not None:
        import torch

        torch.set_num_threads(args.threads)
    known = {name for name, _, _ in CHECKPOINTS}
    unknown = set(args.names) - known
    if unknown:
        parser.error(f"unknown checkpoint(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
    for name, family, overrides in CHECKPOINTS:
        if args.names and name not in args.names:
            continue
        m = training.train_and_save(family, name=name, device=args.device, overrides=overrides)
        print(f"{name}: {m.steps} steps, {m.wall_seconds / 60:.1f} min on {m.hardware}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
