"""The command line: render the world, ask the judge, train and sample the painters.

    python -m painters world "a red bicycle parked on a beach at sunset" -n 16 -o scene.png
    python -m painters judge scene.png
    python -m painters train diffusion
    python -m painters sample --family diffusion "a red bicycle parked on a beach at sunset" -n 16 -o grid.png
    python -m painters checkpoints

Bad input exits with status 2 and a message that says what to change; nothing is written.
Every command checks what it will need (its settings, the folders it writes, their free space)
before it spends any time. Ctrl-C ends a command with status 130 and SIGTERM with 143, a closed
pipe (`checkpoints | head -1`) with 141, each quietly, leaving no half-written file.
Torch uses one CPU thread unless --threads or $PAINTERS_THREADS says otherwise.
"""

from __future__ import annotations

# Only the standard library here: the package (numpy, torch) is imported inside main(), where a
# Ctrl-C during the seconds that takes ends quietly too.
import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from painters import options
from painters.options import MAX_OUTPUT_PIXELS, MAX_SAMPLES, MAX_SEED, UsageError

__all__ = ["MAX_OUTPUT_PIXELS", "MAX_SAMPLES", "MAX_SEED", "UsageError", "build_parser", "main"]


def cmd_world(args: argparse.Namespace) -> None:
    from painters import canvas
    from painters.canvas import png

    canvas.parse_prompt(args.prompt)
    options.check_output(args.output, png.grid_pixels(args.n, args.scale))
    images = canvas.render_prompt(args.prompt, args.n, seed=args.seed)
    png.write_png(png.grid(images), args.output, args.scale)
    print(f"wrote {args.n} renders of {canvas.parse_prompt(args.prompt).prompt!r} to {args.output}")


def cmd_judge(args: argparse.Namespace) -> None:
    from painters.canvas import png
    from painters.measure import judge

    for path in args.images:
        images = png.cut(png.read_png(path), args.scale)
        readings = judge.read(images)
        print(f"{path}: {len(images)} tile{'s' if len(images) > 1 else ''}")
        for i in range(len(images)):
            print(f"  tile {i + 1:>3}: {readings.describe(i)}")


def cmd_sample(args: argparse.Namespace) -> None:
    from painters import canvas
    from painters.canvas import png
    from painters.checkpoints import loading
    from painters.families import registry

    canvas.parse_prompt(args.prompt)
    options.check_output(args.output, png.grid_pixels(args.n, args.scale))
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
    export.export_all(names, args.out, force=args.force, say=print)


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
        p.add_argument("-n", type=options.count, default=16, help=f"how many {what} (default 16)")
        p.add_argument("-o", "--output", type=Path, required=True, help="PNG file to write")
        p.add_argument("--seed", type=options.seed, default=0, help=f"{seed} (default 0; at most {MAX_SEED})")
        p.add_argument("--scale", type=options.scale, default=1, help="upscale each pixel (default 1)")

    p = sub.add_parser("world", help="render real scenes of a prompt into a PNG grid")
    painting_args(p, "renders", "randomness of the scenes")
    p.set_defaults(run=cmd_world)

    p = sub.add_parser("judge", help="say what the judge sees in each 32x32 tile of PNG grids")
    p.add_argument("images", type=Path, nargs="+", help="PNG grids written by world or sample")
    p.add_argument("--scale", type=options.scale, default=1, help="the --scale the grid was written with")
    p.set_defaults(run=cmd_judge)

    p = sub.add_parser("sample", help="paint a prompt with a trained painter into a PNG grid")
    p.add_argument("--family", choices=registry.painters(), required=True, help="which painter")
    painting_args(p, "samples", "sampling seed")
    p.set_defaults(run=cmd_sample)

    p = sub.add_parser("train", help="train a painter (or the judge) from scratch and save its checkpoint")
    p.add_argument("family", choices=tuple(registry.FAMILIES), help="what to train")
    p.add_argument("--seed", type=options.seed, default=0, help=f"training seed (default 0; at most {MAX_SEED})")
    p.add_argument("--device", choices=("cpu", "cuda"), default="cpu", help="where to train (default cpu)")
    p.add_argument("--steps", type=options.positive, default=None, help="override the number of training steps")
    p.add_argument(
        "--name", type=options.name, default=None, help="checkpoint name, e.g. vae-beta4 (default: the family)"
    )
    p.add_argument("--set", type=options.setting, action="append", metavar="KEY=VALUE", help="override a config value")
    p.set_defaults(run=cmd_train)

    p = sub.add_parser("checkpoints", help="load every checkpoint as `sample` would; exit 1 if any is broken")
    p.set_defaults(run=cmd_checkpoints)
    add_export(sub)
    for p in sub.choices.values():
        p.add_argument(
            "--threads", type=options.threads, default=None, help="torch CPU threads (default 1, or $PAINTERS_THREADS)"
        )
    return parser


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM ends the command the way Ctrl-C does: files being written are cleaned up."""
    raise SystemExit(128 + signum)


def _quiet_stdout() -> None:
    """After a closed pipe: point stdout at /dev/null, so the flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture): nothing to flush
        pass


def _os_problem(error: OSError) -> str:
    """An OSError as one line: the file and what went wrong, not a traceback."""
    from painters.core import folders

    where = f"{folders.short(Path(os.fsdecode(error.filename)))}: " if error.filename else ""
    return f"{where}{error.strerror or error}"


def main(argv: Sequence[str] | None = None) -> int:
    previous = signal.signal(signal.SIGTERM, _terminate)
    for stream in (sys.stdout, sys.stderr):  # a file name that is not valid UTF-8 is printed escaped
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        return _run(argv)
    except KeyboardInterrupt:  # Ctrl-C: whatever was being written has been cleaned up on the way here
        return 130
    except BrokenPipeError:  # `... | head -1`: the reader has all it wants
        _quiet_stdout()
        return 128 + signal.SIGPIPE
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    from painters import canvas
    from painters.checkpoints.store import CheckpointError
    from painters.core import machine

    try:
        machine.use_threads(args.threads)
        args.run(args)
        sys.stdout.flush()  # a closed pipe shows here, inside main, not at exit
    except (UsageError, canvas.PromptError, CheckpointError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: out of memory; ask for fewer pictures (-n) or a smaller --scale", file=sys.stderr)
        return 2
    except BrokenPipeError:
        raise
    except OSError as error:  # a disk that filled up, a folder removed under a running command
        print(f"error: {_os_problem(error)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
