"""The command line: render the world, ask the judge, train and sample the painters.

    python -m painters world "a red bicycle parked on a beach at sunset" -n 16 -o scene.png
    python -m painters judge scene.png
    python -m painters train diffusion
    python -m painters sample --family diffusion "a red bicycle parked on a beach at sunset" -n 16 -o grid.png
    python -m painters checkpoints

Bad input exits with status 2 and a message that says what to change; nothing is written.
Torch uses one CPU thread unless --threads or $PAINTERS_THREADS says otherwise.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from painters import canvas
from painters.canvas import png

MAX_SAMPLES = canvas.MAX_SAMPLES
MAX_OUTPUT_PIXELS = 64 * 1024 * 1024  # a grid PNG larger than this is refused before it is drawn


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
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= n <= 32:
        raise argparse.ArgumentTypeError(f"scale {n}: use 1 to 32")
    return n


def _check_output(path: Path, pixels: int = 0) -> None:
    if not str(path).strip() or path.name in ("", ".", ".."):
        raise UsageError("output path is empty: name a .png file, e.g. -o grid.png")
    if len(path.name.encode()) > 200:
        raise UsageError(f"output file name is {len(path.name.encode())} bytes long; use at most 200")
    if pixels > MAX_OUTPUT_PIXELS:
        raise UsageError(
            f"that grid would be {pixels / 1e6:.0f} million pixels (at most {MAX_OUTPUT_PIXELS / 1e6:.0f}); "
            "ask for fewer pictures (-n) or a smaller --scale"
        )
    if path.suffix.lower() != ".png":
        raise UsageError(f"output {path}: only .png is written; name it e.g. {path.with_suffix('.png').name}")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"output folder {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"cannot write {path}: permission denied")


def cmd_world(args: argparse.Namespace) -> None:
    canvas.parse_prompt(args.prompt)
    _check_output(args.output, png.grid_pixels(args.n, args.scale))
    images = canvas.render_prompt(args.prompt, args.n, seed=args.seed)
    png.write_png(png.grid(images), args.output, args.scale)
    print(f"wrote {args.n} renders of {canvas.parse_prompt(args.prompt).prompt!r} to {args.output}")


def cmd_judge(args: argparse.Namespace) -> None:
    from painters.measure import judge

    for path in args.images:
        images = png.cut(png.read_png(path), args.scale)
        readings = judge.read(images)
        print(f"{path}: {len(images)} tile{'s' if len(images) > 1 else ''}")
        for i in range(len(images)):
            print(f"  tile {i + 1:>3}: {readings.describe(i)}")


def cmd_sample(args: argparse.Namespace) -> None:
    from painters.checkpoints import loading
    from painters.families import registry

    canvas.parse_prompt(args.prompt)
    _check_output(args.output, png.grid_pixels(args.n, args.scale))
    model, _ = loading.load_model(args.family)
    images = registry.painter(args.family).sample_images(model, args.prompt, args.n, seed=args.seed)
    png.write_png(png.grid(images), args.output, args.scale)
    print(f"wrote {args.n} {args.family} samples of {args.prompt!r} to {args.output}")


def cmd_train(args: argparse.Namespace) -> None:
    from painters.training import run

    overrides: dict[str, object] = dict(args.set or [])
    if args.steps is not None:
        overrides["steps"] = args.steps
    manifest = run.train_and_save(args.family, name=args.name, seed=args.seed, device=args.device, overrides=overrides)
    print(
        f"saved checkpoints/{manifest.name}.safetensors after {manifest.steps} steps in {manifest.wall_seconds:.0f} s"
    )


def cmd_checkpoints(args: argparse.Namespace) -> None:
    """Load every checkpoint the way `sample` does; exit 1 if any is missing or broken."""
    from painters.checkpoints import loading, store

    print(f"checkpoints in {store.checkpoints_dir()}")
    bad = 0
    for name, manifest, problem in loading.check_all():
        if manifest is not None:
            took = f"{manifest.steps:>6} steps  {manifest.wall_seconds / 60:6.1f} min"
            print(f"ok     {name:<16} {took}  {manifest.hardware}")
        else:
            bad += 1
            print(f"BROKEN {name:<16} {problem}")
    if bad:
        raise SystemExit(1)


def cmd_export(args: argparse.Namespace) -> None:
    """`python -m painters export [FAMILY ...] [--force] [--out DIR] [--widgets]`."""
    from painters.browser import export, widget

    if args.widgets:
        for path in widget.write_widgets():
            print(f"wrote {path}")
        return
    names = list(dict.fromkeys(args.families)) or None
    root = args.out
    if root is not None and root.exists() and not root.is_dir():
        raise ValueError(f"--out {root}: not a folder; name a folder to write the exports into")
    export.export_all(names, root, force=args.force, say=print)


def add_export(sub: Any) -> None:
    """The `export` command: the painters' inference graphs as ONNX, for painting in the browser."""
    from painters.browser import graphs

    def family(text: str) -> str:
        if text not in graphs.BUILDERS:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not an exported painter; choose from {', '.join(graphs.BUILDERS)}"
            )
        return text

    p = sub.add_parser("export", help="write the painters' inference graphs as ONNX, for painting in the browser")
    p.add_argument(
        "families", nargs="*", type=family, metavar="FAMILY",
        help=f"which painters (default: all; choose from {', '.join(graphs.BUILDERS)})",
    )  # fmt: skip
    p.add_argument("--force", action="store_true", help="export again even where the export is current")
    p.add_argument("--out", type=Path, default=None, help="folder of the exports (default .cache/onnx)")
    p.add_argument("--widgets", action="store_true", help="rewrite the widget HTML in docs/widgets/ instead")
    p.set_defaults(run=cmd_export)


def build_parser() -> argparse.ArgumentParser:
    from painters.families import registry

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
    p.add_argument("--family", choices=registry.painters(), required=True, help="which painter")
    painting_args(p, "samples", "sampling seed")
    p.set_defaults(run=cmd_sample)

    p = sub.add_parser("train", help="train a painter (or the judge) from scratch and save its checkpoint")
    p.add_argument("family", choices=tuple(registry.FAMILIES), help="what to train")
    p.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where to train (default cpu)")
    p.add_argument("--steps", type=_positive, default=None, help="override the number of training steps")
    p.add_argument("--name", type=_name, default=None, help="checkpoint name, e.g. vae-beta4 (default: the family)")
    p.add_argument("--set", type=_setting, action="append", metavar="KEY=VALUE", help="override a config value")
    p.set_defaults(run=cmd_train)

    p = sub.add_parser("checkpoints", help="load every checkpoint as `sample` would; exit 1 if any is broken")
    p.set_defaults(run=cmd_checkpoints)
    add_export(sub)
    for p in sub.choices.values():
        p.add_argument(
            "--threads", type=_positive, default=None, help="torch CPU threads (default 1, or $PAINTERS_THREADS)"
        )
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


def _name(text: str) -> str:
    from painters.families import registry

    try:
        return registry.check_name(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n}: must be at least 1")
    return n


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM ends the command the way Ctrl-C does: files being written are cleaned up."""
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from painters.checkpoints.store import CheckpointError
    from painters.core import machine

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        machine.use_threads(args.threads)
        args.run(args)
    except (UsageError, canvas.PromptError, CheckpointError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: out of memory; ask for fewer pictures (-n) or a smaller --scale", file=sys.stderr)
        return 2
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
