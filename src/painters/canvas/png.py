"""Pictures in and out of PNG files: grids of 32x32 tiles, read back and cut apart again."""

from __future__ import annotations

import math
import stat
from pathlib import Path

import numpy as np

from painters.canvas.scenes import SIZE
from painters.core import files, folders

MAX_INPUT_PIXELS = 16 * 1024 * 1024  # a grid read back may be up to 4096x4096 pixels
MAX_TEXT_BYTES = 1 << 20  # a PNG text chunk, decompressed, is refused beyond this
MAX_TEXT_TOTAL = 4 << 20  # and all of them together beyond this
WRITTEN_BY = "give a PNG grid written by `python -m painters world` or `sample`"


class ImageFileError(ValueError):
    """An image file that cannot be read or written; the message names the file and the fix."""


def tile(images: np.ndarray, columns: int, gap: int = 0, background: int = 255) -> np.ndarray:
    """Lay (N, h, w, 3) images out in rows of `columns`, `gap` pixels apart."""
    n, h, w, _ = images.shape
    rows = math.ceil(n / columns)
    out = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap, 3), background, dtype=np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        out[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = image
    return out


def grid(images: np.ndarray, columns: int | None = None) -> np.ndarray:
    """Tile (N, 32, 32, 3) images edge to edge in rows of up to 8, so `cut` can find them again."""
    return tile(images, columns or min(len(images), 8), gap=0, background=0)


def cut(image: np.ndarray, scale: int = 1) -> np.ndarray:
    """Cut a grid written by `grid` (optionally upscaled) back into 32x32 tiles."""
    step = SIZE * scale
    h, w = image.shape[:2]
    if h % step or w % step:
        raise ImageFileError(
            f"image is {w}x{h} pixels; expected a grid of {step}x{step} tiles "
            f"(written by `python -m painters world`{' with --scale ' + str(scale) if scale > 1 else ''})"
        )
    pieces = [image[r : r + step : scale, c : c + step : scale] for r in range(0, h, step) for c in range(0, w, step)]
    return np.stack(pieces)


def grid_pixels(n: int, scale: int) -> int:
    """How many pixels `grid` makes of n pictures at a scale (checked before anything is drawn)."""
    columns = min(n, 8)
    return math.ceil(n / columns) * columns * (SIZE * scale) ** 2


def write_png(image: np.ndarray, path: Path, scale: int = 1) -> None:
    """Write a picture as PNG, each pixel a scale x scale block; never a half-written file."""
    from PIL import Image

    picture = Image.fromarray(image)
    if scale > 1:
        picture = picture.resize((image.shape[1] * scale, image.shape[0] * scale), Image.Resampling.NEAREST)
    try:
        files.replace_atomically(path, lambda tmp: picture.save(tmp, format="PNG"))
    except OSError as error:
        raise ImageFileError(f"cannot write {path}: {error.strerror or error}") from None


def read_png(path: Path) -> np.ndarray:
    """An image file as (H, W, 3) uint8, refusing what is not a plain, reasonably sized picture."""
    from PIL import Image, PngImagePlugin, UnidentifiedImageError

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ImageFileError(f"{path}: no such file") from None
    except OSError as error:  # a name too long, a folder that may not be entered, a loop of links
        raise ImageFileError(f"{folders.short(path)}: cannot be read ({error.strerror or error})") from None
    if not stat.S_ISREG(mode):
        raise ImageFileError(f"{path}: not a regular file (a folder, pipe or device); give a PNG grid")
    # PIL's own decompression-bomb check would refuse a header claiming a huge picture with a
    # message about DOS attacks (or only warn, below twice its limit): the size is checked here,
    # against a lower limit, before any pixel is decoded. Text chunks get a limit of their own.
    limit, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    text_limit, PngImagePlugin.MAX_TEXT_CHUNK = PngImagePlugin.MAX_TEXT_CHUNK, MAX_TEXT_BYTES
    text_total, PngImagePlugin.MAX_TEXT_MEMORY = PngImagePlugin.MAX_TEXT_MEMORY, MAX_TEXT_TOTAL
    try:
        with Image.open(path) as picture:
            width, height = picture.size
            if width * height > MAX_INPUT_PIXELS:
                raise ImageFileError(
                    f"{path}: {width}x{height} pixels; grids of at most {MAX_INPUT_PIXELS / 1e6:.0f} million "
                    "pixels are read"
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
        raise ImageFileError(f"{path}: not a readable image ({error})") from None
    except ValueError as error:  # PIL: "Decompressed data too large", "Too much memory used in text chunks"
        if isinstance(error, ImageFileError):
            raise
        if "text chunk" in str(error) or "Decompressed data" in str(error):
            raise ImageFileError(
                f"{path}: its text chunks decompress to more than {MAX_TEXT_BYTES >> 20} MB each or "
                f"{MAX_TEXT_TOTAL >> 20} MB in all (a decompression bomb), and are not read; {WRITTEN_BY}"
            ) from None
        raise ImageFileError(f"{path}: not a plain picture ({error}); {WRITTEN_BY}") from None
    finally:
        Image.MAX_IMAGE_PIXELS = limit
        PngImagePlugin.MAX_TEXT_CHUNK = text_limit
        PngImagePlugin.MAX_TEXT_MEMORY = text_total
