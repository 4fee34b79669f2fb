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
import math
import os
import signal
import stat
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from painters import world

MAX_SAMPLES = world.MAX_SAMPLES
MAX_OUTPUT_PIXELS = 64 * 1024 * 1024  # a grid PNG larger than this is refused before it is drawn
MAX_INPUT_PIXELS = 16 * 1024 * 1024  # judge reads grids up to 4096x4096 pixels


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


def _write_png(image: np.ndarray, path: Path, scale: int) -> None:
    from PIL import Image

    picture = Image.fromarray(image)
    if scale > 1:
        picture = picture.resize((image.shape[1] * scale, image.shape[0] * scale), Image.Resampling.NEAREST)
    # Write beside the target and rename: an interrupted run (even by SIGTERM: see main) leaves
    # no half-written file and no temporary one. Ctrl-C and SIGTERM wait while the temporary
    # file is created: one that came between its creation and the cleanup below would leave it.
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held) if hasattr(signal, "pthread_sigmask") else None
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name[:100]}.", suffix=".tmp", dir=path.parent if str(path.parent) else "."
        )
        os.close(fd)
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # a signal held meanwhile lands here
            previous = None
        picture.save(tmp, format="PNG")
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # the mode a plain write would give, not mkstemp's 0600
        os.replace(tmp, path)
    except OSError as error:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _read_png(path: Path) -> np.ndarray:
    """An image file as (H, W, 3) uint8, refusing what is not a plain, reasonably sized picture."""
    from PIL import Image, UnidentifiedImageError

    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if not stat.S_ISREG(path.stat().st_mode):
        raise UsageError(f"{path}: not a regular file (a folder, pipe or device); give a PNG grid")
    # PIL's own decompression-bomb check would refuse a header claiming a huge picture with a
    # message about DOS attacks (or only warn, below twice its limit): the size is checked here,
    # against a lower limit, before any pixel is decoded.
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(path) as picture:
            width, height = picture.size
            if width * height > MAX_INPUT_PIXELS:
                raise UsageError(
                    f"{path}: {width}x{height} pixels; judge reads grids of at most "
                    f"{MAX_INPUT_PIXELS / 1e6:.0f} million pixels"
                )
            if picture.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16- or 32-bit grey: scale, don't clip
                grey = np.asarray(picture, dtype=np.float64)
                # 16-bit levels whatever the mode (Pillow before 12 opens a 16-bit PNG as "I"):
                # scaling by the picture's own maximum would turn an even mid-grey white.
                top = max(65535.0, float(grey.max()))
                grey8 = np.clip(grey / top * 255 + 0.5, 0, 255).astype(np.uint8)
                return np.repeat(grey8[..., None], 3, axis=-1)
            return np.asarray(picture.convert("RGB"))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise UsageError(f"{path}: not a readable image ({error})") from None
    finally:
        Image.MAX_IMAGE_PIXELS = limit


def _grid_pixels(n: int, scale: int) -> int:
    columns = min(n, 8)
    return math.ceil(n / columns) * columns * (world.SIZE * scale) ** 2


def cmd_world(args: argparse.Namespace) -> None:
    world.parse_prompt(args.prompt)
    _check_output(args.output, _grid_pixels(args.n, args.scale))
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
    from painters import registry

    world.parse_prompt(args.prompt)
    _check_output(args.output, _grid_pixels(args.n, args.scale))
    model, _ = registry.load_model(args.family)
    images = registry.painter(args.family).sample_images(model, args.prompt, args.n, seed=args.seed)
    _write_png(grid(images), args.output, args.scale)
    print(f"wrote {args.n} {args.family} samples of {args.prompt!r} to {args.output}")


def cmd_train(args: argparse.Namespace) -> None:
    from painters import training

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
    """Load every checkpoint the way `sample` does; exit 1 if any is missing or broken."""
    from painters import registry, store

    print(f"checkpoints in {store.checkpoints_dir()}")
    bad = 0
    for name, manifest, problem in registry.check_all():
        if manifest is not None:
            took = f"{manifest.steps:>6} steps  {manifest.wall_seconds / 60:6.1f} min"
            print(f"ok     {name:<16} {took}  {manifest.hardware}")
        else:
            bad += 1
            print(f"BROKEN {name:<16} {problem}")
    if bad:
        raise SystemExit(1)


def build_parser() -> argparse.ArgumentParser:
    from painters import registry

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
    from painters import export

    export.add_subcommand(sub)
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
    from painters import store

    try:
        return store.check_name(text)
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
    from painters import fit
    from painters.store import CheckpointError

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        fit.use_threads(args.threads)
        args.run(args)
    except (UsageError, world.PromptError, CheckpointError, ValueError) as error:
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
