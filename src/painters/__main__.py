"""The command line: render the world, ask the judge, train and sample the painters.

    python -m painters world "a red bicycle parked on a beach at sunset" -n 16 -o scene.png
    python -m painters judge scene.png
    python -m painters train diffusion
    python -m painters sample --family diffusion "a red bicycle parked on a beach at sunset" -n 16 -o grid.png
    python -m painters checkpoints

Bad input exits with status 2 and a message that says what to change; nothing is written.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from painters import world

MAX_SAMPLES = 1024


class UsageError(Exception):
    """Bad input from the command line; the message is shown as is."""


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= n <= MAX_SAMPLES:
        raise argparse.ArgumentTypeError(f"{n} images: ask for between 1 and {MAX_SAMPLES}")
    return n


def _scale(text: str) -> int:
    n = _count(text)
    if n > 32:
        raise argparse.ArgumentTypeError(f"scale {n}: use 1 to 32")
    return n


def grid(images: np.ndarray, columns: int | None = None) -> np.ndarray:
    """Tile (N, 32, 32, 3) images edge to edge, so `judge` can cut them apart again."""
    n = len(images)
    columns = columns or min(n, 8)
    rows = math.ceil(n / columns)
    out = np.zeros((rows * world.SIZE, columns * world.SIZE, 3), dtype=np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        out[r * world.SIZE : (r + 1) * world.SIZE, c * world.SIZE : (c + 1) * world.SIZE] = image
    return out


def tiles(image: np.ndarray, scale: int = 1) -> np.ndarray:
    """Cut a grid written by `grid` (optionally upscaled) back into 32x32 tiles."""
    step = world.SIZE * scale
    h, w = image.shape[:2]
    if h % step or w % step:
        raise UsageError(
            f"image is {w}x{h} pixels; expected a grid of {step}x{step} tiles "
            f"(written by `python -m painters world`{' with --scale ' + str(scale) if scale > 1 else ''})"
        )
    cut = [image[r : r + step : scale, c : c + step : scale] for r in range(0, h, step) for c in range(0, w, step)]
    return np.stack(cut)


def _check_output(path: Path) -> None:
    if not str(path).strip() or path.name in ("", ".", ".."):
        raise UsageError("output path is empty: name a .png file, e.g. -o grid.png")
    if path.suffix.lower() != ".png":
        raise UsageError(f"output {path}: only .png is written; name it e.g. {path.with_suffix('.png').name}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"output folder {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write {path}: permission denied")


def _write_png(image: np.ndarray, path: Path, scale: int) -> None:
    from PIL import Image

    picture = Image.fromarray(image)
    if scale > 1:
        picture = picture.resize((image.shape[1] * scale, image.shape[0] * scale), Image.Resampling.NEAREST)
    # Write beside the target and rename: an interrupted run leaves no half-written file.
    try:
        fd, tmp = tempfile.mkstemp(suffix=".png", dir=path.parent if str(path.parent) else ".")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    os.close(fd)
    try:
        picture.save(tmp, format="PNG")
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_png(path: Path) -> np.ndarray:
    from PIL import Image, UnidentifiedImageError

    if not path.exists():
        raise UsageError(f"{path}: no such file")
    try:
        with Image.open(path) as picture:
            return np.asarray(picture.convert("RGB"))
    except (UnidentifiedImageError, OSError) as error:
        raise UsageError(f"{path}: not a readable image ({error})") from None


def cmd_world(args: argparse.Namespace) -> None:
    world.parse_prompt(args.prompt)
    _check_output(args.output)
    images = world.render_prompt(args.prompt, args.n, seed=args.seed)
    _write_png(grid(images), args.output, args.scale)
    print(f"wrote {args.n} renders of {world.parse_prompt(args.prompt).prompt!r} to {args.output}")


def cmd_judge(args: argparse.Namespace) -> None:
    from painters import judge

    for path in args.images:
        images = tiles(_read_png(path), args.scale)
        readings = judge.read(images)
        print(f"{path}: {len(images)} tile{'s' if len(images) > 1 else ''}")
        for i in range(len(images)):
            print(f"  tile {i + 1:>3}: {readings.describe(i)}")


def cmd_sample(args: argparse.Namespace) -> None:
    from painters import training

    world.parse_prompt(args.prompt)
    _check_output(args.output)
    model, _ = training.load_model(args.family)
    module = training.family_module(args.family)
    images = module.sample_images(model, args.prompt, args.n, seed=args.seed)
    _write_png(grid(images), args.output, args.scale)
    print(f"wrote {args.n} {args.family} samples of {args.prompt!r} to {args.output}")


def cmd_train(args: argparse.Namespace) -> None:
    import torch

    from painters import training

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    overrides: dict[str, object] = dict(args.set or [])
    if args.steps is not None:
        overrides["steps"] = args.steps
    manifest = training.train_and_save(
        args.family, name=args.name, seed=args.seed, device=args.device, overrides=overrides
    )
    print(
        f"saved checkpoints/{manifest.name}.safetensors after {manifest.steps} steps in {manifest.wall_seconds:.0f} s"
    )


def cmd_checkpoints(args: argparse.Namespace) -> None:
    from painters import store

    names = sorted(p.stem for p in store.CHECKPOINTS.glob("*.json") if not p.stem.endswith(".history"))
    if not names:
        print(f"no checkpoints in {store.CHECKPOINTS}")
    bad = 0
    for name in names:
        try:
            _, m = store.load_checkpoint(name)
            print(f"ok     {name:<24} {m.steps:>6} steps  {m.wall_seconds / 60:6.1f} min  {m.hardware}")
        except store.CheckpointError as error:
            bad += 1
            print(f"BROKEN {name:<24} {error}")
    if bad:
        raise SystemExit(1)


def build_parser() -> argparse.ArgumentParser:
    from painters.training import FAMILIES, TRAINABLE

    parser = argparse.ArgumentParser(
        prog="python -m painters",
        description="Four painters, one canvas: render the toy world, judge images, train and sample the painters.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def painting_args(p: argparse.ArgumentParser, what: str, seed: str) -> None:
        """The arguments `world` and `sample` share: a prompt in, a PNG grid out."""
        p.add_argument("prompt", help='e.g. "a red bicycle parked on a beach at sunset"')
        p.add_argument("-n", type=_count, default=16, help=f"how many {what} (default 16)")
        p.add_argument("-o", "--output", type=Path, required=True, help="PNG file to write")
        p.add_argument("--seed", type=int, default=0, help=f"{seed} (default 0)")
        p.add_argument("--scale", type=_scale, default=1, help="upscale each pixel (default 1)")

    p = sub.add_parser("world", help="render real scenes of a prompt into a PNG grid")
    painting_args(p, "renders", "randomness of the scenes")
    p.set_defaults(run=cmd_world)

    p = sub.add_parser("judge", help="say what the judge sees in each 32x32 tile of PNG grids")
    p.add_argument("images", type=Path, nargs="+", help="PNG grids written by world or sample")
    p.add_argument("--scale", type=_scale, default=1, help="the --scale the grid was written with")
    p.set_defaults(run=cmd_judge)

    p = sub.add_parser("sample", help="paint a prompt with a trained painter into a PNG grid")
    p.add_argument("--family", choices=FAMILIES, required=True, help="which painter")
    painting_args(p, "samples", "sampling seed")
    p.set_defaults(run=cmd_sample)

    p = sub.add_parser("train", help="train a painter (or the judge) from scratch and save its checkpoint")
    p.add_argument("family", choices=TRAINABLE, help="what to train")
    p.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where to train (default cpu)")
    p.add_argument("--steps", type=_positive, default=None, help="override the number of training steps")
    p.add_argument("--name", default=None, help="checkpoint name (default: the family)")
    p.add_argument("--set", type=_setting, action="append", metavar="KEY=VALUE", help="override a config value")
    p.add_argument(
        "--threads",
        type=_positive,
        default=None,
        help="torch CPU threads (default: all cores; 1 is faster on a busy machine)",
    )
    p.set_defaults(run=cmd_train)

    p = sub.add_parser("checkpoints", help="list committed checkpoints and check each one")
    p.set_defaults(run=cmd_checkpoints)
    return parser


def _setting(text: str) -> tuple[str, object]:
    """KEY=VALUE for --set; the value is read as JSON (4, 0.5, true) or kept as text."""
    import json

    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: write KEY=VALUE, e.g. beta=4")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n}: must be at least 1")
    return n


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from painters.store import CheckpointError

    try:
        args.run(args)
    except (UsageError, world.PromptError, CheckpointError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
