"""Every bad input the project promises to refuse, as data.

The promise: a bad prompt, option, file or checkpoint gets one clear error that names the fix,
and nothing is written and nothing clobbered. Each row below is a Case: an id, what is asked,
the words the message must contain, and the exit status (for the command line, the process's
status; for the Python API, the exception raised).

tests/test_bad_input.py runs every row (and knows how to break a checkpoint or set up a file for
the rows that need one), and tests/test_bad_input_environment.py the rows about the machine a
command runs on (TRAIN_FOLDERS, EXPORTS, BUILD, SIGNALS); snippets/site/bad_input.py prints them
all on the "Bad input" page. So this file holds no code: adding a row here adds a test and a
line on the site.

Placeholders in command rows: {out} is grid.png and {tmp} the folder of the test's own; {name}
in a checkpoint row's words is the checkpoint being broken; {checkpoints} is its folder.
"""

from __future__ import annotations

from typing import NamedTuple


class Case(NamedTuple):
    id: str
    asked: str | tuple[str, ...]  # a command line's arguments, a Python call, or what is done
    words: tuple[str, ...]  # every one must appear in the message
    status: int | str  # exit status, or the exception's class name


PROMPT = "a red bicycle parked on a beach at sunset"
BICYLCE = "a red bicylce on a beach at sunset"
LONG = PROMPT + " " + "a red bicycle parked on a beach at sunset " * 2500  # ~100 kB of prompt
TOO_MANY_WORDS = "a red bicycle on a beach at sunset " + "at " * 40
MAX_SAMPLES = 1024  # painters.world.MAX_SAMPLES (checked by the tests)
FIX = "python -m painters train"
BETWEEN = f"between 1 and {MAX_SAMPLES}"
SEEDS = "use a whole number from 0 to 4294967295"
LONG_FOLDER = "{tmp}/" + "d" * 300 + "/grid.png"  # a folder name longer than any filesystem takes

# --- a checkpoint broken on disk -------------------------------------------------------------
# Asked two ways: `python -m painters sample --family gan PROMPT -n 2 -o grid.png` on a folder
# whose gan checkpoint is broken so (exit 2), and checkpoints.load_model on one whose judge is
# (CheckpointError). Either way the message names the checkpoint and the command that rebuilds it.
BROKEN_CHECKPOINTS = (
    Case("missing", "every file of the checkpoint deleted", ("no checkpoint '{name}'", FIX), 2),
    Case("weights missing", "the weights deleted, the manifest kept", ("no weights", FIX), 2),
    Case(
        "manifest missing",
        "the manifest deleted, the weights kept",
        ("no checkpoint", "{name}.json is missing", FIX),
        2,
    ),
    Case("truncated", "the weights cut to their first 1000 bytes", ("corrupt", FIX), 2),
    Case("empty weights file", "the weights file emptied", ("corrupt", FIX), 2),
    Case(
        "corrupted (one byte flipped)",
        "one byte of the weights flipped",
        ("corrupt", "git checkout -- checkpoints/{name}.safetensors", FIX),
        2,
    ),
    Case(
        "stale (code changed since training)",
        "the manifest's fingerprint from other code (what the networks computed then differs from now)",
        ("stale", "what it computes changed", FIX),
        2,
    ),
    Case("pickle where safetensors should be", "a pickle saved as the weights", ("pickle", "never loaded", FIX), 2),
    Case("torch.save zip where safetensors should be", "torch.save's zip saved as the weights", ("pickle", FIX), 2),
    Case("manifest is not JSON", "the manifest replaced by '{oops'", ("unreadable", FIX), 2),
    Case("manifest lacks fields", 'the manifest replaced by \'{"name": "x"}\'', ("unreadable", "missing", FIX), 2),
    Case("weights path is a folder", "a folder where the weights file should be", ("no weights", FIX), 2),
    Case(
        "another checkpoint copied in",
        "the vae checkpoint's files copied over this one's",
        ("is for checkpoint 'vae'", FIX),
        2,
    ),
    Case(
        "another family under this name",
        "the vae checkpoint copied over this one, its manifest renamed to match",
        ("holds a 'vae' model", FIX),
        2,
    ),
    Case(
        "a tensor dropped, the sha256 updated",
        "one tensor dropped from the weights and the manifest's sha256 updated to match",
        ("does not fit its model", FIX),
        2,
    ),
    Case("wall_seconds is text", 'the manifest says "wall_seconds": "x"', ("unreadable", "wall_seconds", FIX), 2),
    Case("manifest is not UTF-8", "the manifest's bytes are not UTF-8", ("unreadable", FIX), 2),
    Case("manifest names no family", 'the manifest says "family": "unet"', ("unet", FIX), 2),
    Case(
        "weights NaN, the sha256 updated",
        "every float weight set to NaN, the manifest's sha256 updated to match (whole, but wrong)",
        ("not finite numbers", FIX),
        2,
    ),
    Case(
        "outputs not finite, the sha256 updated",
        "every float weight set to 1e38 (finite, but the networks overflow), the sha256 updated to match",
        ("compute numbers that are not finite", FIX),
        2,
    ),
    Case(
        "manifest nested 100,000 deep",
        "the manifest replaced by 100,000 nested JSON lists",
        ("unreadable", "levels deep", FIX),
        2,
    ),
    Case(
        "a manifest field nested 900 deep",
        "the manifest's first probe shape replaced by 900 nested JSON lists (the parser takes it)",
        ("unreadable", "levels deep", FIX),
        2,
    ),
)

# --- `python -m painters checkpoints`: loads every checkpoint the way the pages do ------------
# On a folder with a whole, current checkpoint of every committed name, broken as each row says.
CHECKPOINTS_COMMAND = (
    Case(
        "all whole", "every committed checkpoint whole and current", ("checkpoints in {checkpoints}", "ok     gan"), 0
    ),
    Case(
        "gan corrupted",
        "one byte of gan's weights flipped",
        ("BROKEN gan", "corrupt", "git checkout -- checkpoints/gan.safetensors"),
        1,
    ),
    Case(
        "gan stale", "gan's manifest hashed from other code", ("BROKEN gan", "stale", "python -m painters train gan"), 1
    ),
    Case(
        "gan missing",
        "every gan file deleted",
        ("BROKEN gan", "no checkpoint 'gan'", "python -m painters train gan"),
        1,
    ),
    Case("vae copied in as gan", "vae's files copied over gan's", ("BROKEN gan", "is for checkpoint 'vae'"), 1),
    Case(
        "vae renamed gan",
        "vae's files copied over gan's, the manifest renamed gan",
        ("BROKEN gan", "holds a 'vae' model, not a 'gan' one"),
        1,
    ),
    Case(
        "gan tensor dropped, sha256 updated",
        "a tensor dropped from gan's weights, the manifest's sha256 updated",
        ("BROKEN gan", "does not fit its model", "python -m painters train gan"),
        1,
    ),
    Case(
        "gan manifest deleted",
        "gan.json deleted",
        ("BROKEN gan", "gan.json is missing", "python -m painters train gan"),
        1,
    ),
    Case("every manifest deleted", "every NAME.json deleted", ("BROKEN judge", "BROKEN gan", "BROKEN vae-beta4"), 1),
    Case("wall_seconds is text", 'gan.json says "wall_seconds": "x"', ("BROKEN gan", "wall_seconds"), 1),
    Case("manifest is not UTF-8", "gan.json's bytes are not UTF-8", ("BROKEN gan", "unreadable"), 1),
    Case(
        "vae-beta4 stale",
        "vae-beta4's manifest hashed from other code",
        ("BROKEN vae-beta4", "python -m painters train vae --name vae-beta4 --set beta=4.0"),
        1,
    ),
    Case("a checkpoint of no family", "gan's files copied in as unet", ("BROKEN unet", "no family"), 1),
    Case(
        "gan weights NaN, sha256 updated",
        "every float weight of gan NaN, gan.json's sha256 updated",
        ("BROKEN gan", "not finite numbers", "python -m painters train gan"),
        1,
    ),
    Case(
        "gan outputs not finite, sha256 updated",
        "every float weight of gan 1e38 (the networks overflow), gan.json's sha256 updated",
        ("BROKEN gan", "compute numbers that are not finite"),
        1,
    ),
    Case(
        "gan manifest nested 100,000 deep",
        "gan.json replaced by 100,000 nested JSON lists",
        ("BROKEN gan", "levels deep"),
        1,
    ),
    Case(
        "a retrain hint from an edited manifest",
        "gan's files copied in as gan-x, its manifest given a setting named `x; rm -rf ~` and betas of [0.5, 0.9]",
        ("BROKEN gan-x", "python -m painters train gan --name gan-x --set ", "--set 'betas=[0.5, 0.9]'"),
        1,
    ),
    Case(
        "no checkpoints folder",
        "the checkpoints folder is not there",
        ("no checkpoints folder at {checkpoints}", "PAINTERS_HOME"),
        2,
    ),
)

# --- the command line: `python -m painters ...` -------------------------------------------------
# Run in-process (the same code as the process, minus its start-up). Refused: exit 2, nothing
# written, no picture drawn, no traceback.
COMMANDS = (
    Case(
        "sample: unknown prompt word",
        ("sample", "--family", "gan", BICYLCE, "-o", "{out}"),
        ("did you mean 'bicycle'",),
        2,
    ),
    Case("sample: empty prompt", ("sample", "--family", "gan", "", "-o", "{out}"), ("empty",), 2),
    Case("sample: blank prompt", ("sample", "--family", "gan", "   ", "-o", "{out}"), ("empty",), 2),
    Case("sample: absurdly long prompt", ("sample", "--family", "gan", LONG, "-o", "{out}"), ("at most 200",), 2),
    Case("world: absurdly long prompt", ("world", LONG, "-o", "{out}"), ("at most 200",), 2),
    Case("world: too many words", ("world", TOO_MANY_WORDS, "-o", "{out}"), ("at most",), 2),
    Case(
        "world: markup in the prompt",
        ("world", "a red <b>bicycle</b> on a beach at sunset", "-o", "{out}"),
        ("outside letters",),
        2,
    ),
    Case(
        "world: control characters",
        ("world", "a red bicycle\x00 on a beach at sunset", "-o", "{out}"),
        ("outside letters",),
        2,
    ),
    Case(
        "world: two colours",
        ("world", "a red blue bicycle on a beach at sunset", "-o", "{out}"),
        ("names two colours",),
        2,
    ),
    Case("world: no object", ("world", "something red on a beach at sunset", "-o", "{out}"), ("unknown word",), 2),
    Case("world: unknown prompt word", ("world", BICYLCE, "-o", "{out}"), ("did you mean 'bicycle'",), 2),
    Case("world: empty prompt", ("world", "", "-o", "{out}"), ("empty",), 2),
    Case("world: names no time", ("world", "a red bicycle on a beach", "-o", "{out}"), ("names no time",), 2),
    Case(
        "sample: wrong family",
        ("sample", "--family", "transformer", PROMPT, "-o", "{out}"),
        ("invalid choice: 'transformer'",),
        2,
    ),
    Case(
        "sample: family in capitals",
        ("sample", "--family", "GAN", PROMPT, "-o", "{out}"),
        ("invalid choice: 'GAN'",),
        2,
    ),
    Case("sample: the judge", ("sample", "--family", "judge", PROMPT, "-o", "{out}"), ("invalid choice: 'judge'",), 2),
    Case("train: wrong family", ("train", "stable-diffusion"), ("invalid choice",), 2),
    Case("train: unet", ("train", "unet"), ("invalid choice: 'unet'",), 2),
    Case("train: wrong device", ("train", "gan", "--device", "tpu"), ("invalid choice: 'tpu'",), 2),
    Case("no such command", ("frobnicate",), ("invalid choice: 'frobnicate'",), 2),
    Case("sample: zero samples", ("sample", "--family", "gan", PROMPT, "-n", "0", "-o", "{out}"), (BETWEEN,), 2),
    Case("sample: negative samples", ("sample", "--family", "gan", PROMPT, "-n", "-1", "-o", "{out}"), (BETWEEN,), 2),
    Case(
        "sample: huge sample count",
        ("sample", "--family", "gan", PROMPT, "-n", str(10**30), "-o", "{out}"),
        (BETWEEN,),
        2,
    ),
    Case(
        "sample: one too many",
        ("sample", "--family", "gan", PROMPT, "-n", str(MAX_SAMPLES + 1), "-o", "{out}"),
        (BETWEEN,),
        2,
    ),
    Case(
        "sample: fractional count",
        ("sample", "--family", "gan", PROMPT, "-n", "2.5", "-o", "{out}"),
        ("not a whole number",),
        2,
    ),
    Case("world: negative count", ("world", PROMPT, "-n", "-3", "-o", "{out}"), (BETWEEN,), 2),
    Case("world: 100000 pictures", ("world", PROMPT, "-n", "100000", "-o", "{out}"), (BETWEEN,), 2),
    Case("world: count in words", ("world", PROMPT, "-n", "many", "-o", "{out}"), ("not a whole number",), 2),
    Case("world: zero scale", ("world", PROMPT, "--scale", "0", "-o", "{out}"), ("scale 0: use 1 to 32",), 2),
    Case("world: huge scale", ("world", PROMPT, "--scale", "1000", "-o", "{out}"), ("use 1 to 32",), 2),
    Case(
        "world: a grid too large to draw",
        ("world", PROMPT, "-n", "1024", "--scale", "32", "-o", "{out}"),
        ("million pixels", "fewer pictures (-n) or a smaller --scale"),
        2,
    ),
    Case("train: zero steps", ("train", "gan", "--steps", "0"), ("at least 1",), 2),
    Case("train: negative threads", ("train", "gan", "--threads", "-2"), ("at least 1",), 2),
    Case("train: unknown setting", ("train", "gan", "--set", "foo=1"), ("gan has no setting foo", "its settings"), 2),
    Case("train: setting of the wrong type", ("train", "gan", "--set", "steps=many"), ("steps='many'", "expected"), 2),
    Case("train: setting without a value", ("train", "gan", "--set", "steps"), ("write KEY=VALUE",), 2),
    Case(
        "train: name that leaves the folder", ("train", "gan", "--name", "../../x"), ("checkpoint name '../../x'",), 2
    ),
    Case("train: name of another family", ("train", "gan", "--name", "vae-beta4"), ("must start with its family",), 2),
    Case("judge: no such file", ("judge", "{tmp}/nothing.png"), ("no such file",), 2),
    Case("judge: not an image", ("judge", "{tmp}/junk.png"), ("not a readable image",), 2),
    Case("judge: not a grid of tiles", ("judge", "{tmp}/odd.png"), ("expected a grid",), 2),
    Case("judge: a folder", ("judge", "{tmp}/folder.png"), ("not a regular file",), 2),
    Case("judge: a named pipe", ("judge", "{tmp}/fifo.png"), ("not a regular file",), 2),
    Case("judge: header claims 14016x14016", ("judge", "{tmp}/huge.png"), ("14016x14016", "million pixels"), 2),
    Case(
        "judge: text chunks a decompression bomb",
        ("judge", "{tmp}/bomb.png"),
        ("bomb.png", "decompression bomb", "python -m painters world"),
        2,
    ),
    Case("judge: 100 text chunks of 1 MB", ("judge", "{tmp}/bombs.png"), ("bombs.png", "decompression bomb"), 2),
    Case("judge: a folder name of 300 characters", ("judge", LONG_FOLDER), ("File name too long",), 2),
    Case(
        "world: a newline inside the prompt",
        ("world", "a red bicycle\non a beach at sunset", "-o", "{out}"),
        ("outside letters", "['\\n']"),
        2,
    ),
    Case(
        "world: a newline after the prompt",
        ("world", PROMPT + "\n", "-o", "{out}"),
        ("outside letters", "['\\n']"),
        2,
    ),
    Case("world: negative seed", ("world", PROMPT, "--seed", "-1", "-o", "{out}"), ("argument --seed", SEEDS), 2),
    Case(
        "sample: seed 2**64",
        ("sample", "--family", "gan", PROMPT, "--seed", str(2**64), "-o", "{out}"),
        ("argument --seed", SEEDS),
        2,
    ),
    Case("train: seed 2**64", ("train", "gan", "--seed", str(2**64)), ("argument --seed", SEEDS), 2),
    Case(
        "world: threads 10**20",
        ("world", PROMPT, "--threads", str(10**20), "-o", "{out}"),
        ("argument --threads", "and at most"),
        2,
    ),
    Case("world: a count of 5000 digits", ("world", PROMPT, "-n", "9" * 5000, "-o", "{out}"), ("far too large",), 2),
    Case("train: --set batch=0", ("train", "gan", "--set", "batch=0"), ("gan setting batch=0", "from 1 to 4096"), 2),
    Case("train: --set z_dim=-1", ("train", "gan", "--set", "z_dim=-1"), ("z_dim=-1", "from 1 to 1024"), 2),
    Case("train: --set z_dim=0", ("train", "gan", "--set", "z_dim=0"), ("z_dim=0", "from 1 to 1024"), 2),
    Case("train: --set r1_every=0", ("train", "gan", "--set", "r1_every=0"), ("r1_every=0", "from 1 to 10000"), 2),
    Case(
        "train: --set betas=[0.5]",
        ("train", "gan", "--set", "betas=[0.5]"),
        ("betas=[0.5]", "expected a list of 2 numbers"),
        2,
    ),
    Case(
        'train: --set betas=[0.0,"x"]',
        ("train", "gan", "--set", 'betas=[0.0,"x"]'),
        ("expected a list of 2 numbers",),
        2,
    ),
    Case(
        "train: --set betas=[0.5,1]",
        ("train", "gan", "--set", "betas=[0.5,1]"),
        ("2 numbers, each at least 0 and below 1",),
        2,
    ),
    Case("train: --set ema=2", ("train", "gan", "--set", "ema=2"), ("ema=2.0", "at least 0 and below 1"), 2),
    Case(
        "train: --set lr=Infinity",
        ("train", "gan", "--set", "lr=Infinity"),
        ("lr=inf is not a finite number", "above 0 and at most 1"),
        2,
    ),
    Case("train: --set lr=NaN", ("train", "gan", "--set", "lr=NaN"), ("lr=nan is not a finite number",), 2),
    Case("train: --steps 10**30", ("train", "gan", "--steps", str(10**30)), ("steps=", "from 1 to 1000000"), 2),
    Case(
        "train: sample_steps beyond timesteps",
        ("train", "diffusion", "--set", "timesteps=10"),
        ("sample_steps=20", "timesteps (10 here)"),
        2,
    ),
    Case(
        "train: networks of 8 GB",
        ("train", "diffusion", "--set", "width=1024"),
        ("GB of weights", "smaller widths"),
        2,
    ),
    Case(
        "train: --set nested 100,000 deep",
        ("train", "gan", "--set", "betas=" + "[" * 100_000 + "]" * 100_000),
        ("levels deep",),
        2,
    ),
)

# --- where the picture goes: `-o PATH`, for `world` and for `sample` -------------------------
OUTPUTS = (
    Case("output folder is a file", "{tmp}/notes.txt/grid.png", ("does not exist",), 2),
    Case("output folder is missing", "{tmp}/missing/dir/grid.png", ("does not exist",), 2),
    Case("output is an existing folder", "{tmp}/folder.png", ("cannot write",), 2),
    Case("output path is empty", "", ("output path is empty",), 2),
    Case("output under /proc", "/proc/painters-grid.png", ("cannot write",), 2),
    Case("output is not a PNG", "{tmp}/grid.jpg", ("only .png",), 2),
    Case("output name of 300 characters", "{tmp}/" + "x" * 296 + ".png", ("300 bytes long", "at most 200"), 2),
    Case("output folder name of 300 characters", LONG_FOLDER, ("300 bytes long", "at most 255"), 2),
    Case("output folder read-only", "{tmp}/read-only/grid.png", ("cannot write in", "read-only"), 2),
    Case("output disk full", "{tmp}/full/grid.png", ("MB free", "free some space"), 2),
)

# --- as a real process: the exit status, one clean line on stderr, no traceback --------------
# PAINTERS_HOME points at an empty project folder of the test's own.
PROCESSES = (
    Case("unknown prompt word", ("world", BICYLCE, "-o", "{tmp}/x.png"), ("did you mean 'bicycle'",), 2),
    Case("wrong family", ("sample", "--family", "transformer", PROMPT, "-o", "{tmp}/x.png"), ("invalid choice",), 2),
    Case("negative count", ("world", PROMPT, "-n", "-3", "-o", "{tmp}/x.png"), ("between 1 and",), 2),
    Case("unwritable output", ("world", PROMPT, "-o", "/proc/painters-x.png"), ("cannot write",), 2),
    Case("unknown setting", ("train", "gan", "--set", "foo=1"), ("gan has no setting foo",), 2),
    Case("name that leaves the folder", ("train", "gan", "--name", "../../x"), ("checkpoint name '../../x'",), 2),
    Case(
        "grid too large", ("world", PROMPT, "-n", "1024", "--scale", "32", "-o", "{tmp}/x.png"), ("million pixels",), 2
    ),
    Case("judge a named pipe", ("judge", "{tmp}/fifo.png"), ("not a regular file",), 2),
    Case("judge a 14016x14016 header", ("judge", "{tmp}/huge.png"), ("14016x14016",), 2),
    Case("no checkpoints folder", ("checkpoints",), ("no checkpoints folder at {tmp}/checkpoints",), 2),
    Case(
        "no checkpoint to sample",
        ("sample", "--family", "gan", PROMPT, "-o", "{tmp}/x.png"),
        ("no checkpoints folder",),
        2,
    ),
)

# --- the Python API -----------------------------------------------------------------------------
# Each `asked` is a Python expression, evaluated with painters' canvas, registry, checkpoints,
# training (painters.training.run), gallery and store in scope (and PROMPT, BICYLCE, LONG
# above), on a project folder of tiny checkpoints. Nothing may be written: no checkpoint, no cache entry.
API = (
    Case("parse_prompt: unknown word", "canvas.parse_prompt(BICYLCE)", ("did you mean 'bicycle'",), "PromptError"),
    Case("parse_prompt: empty", "canvas.parse_prompt('')", ("empty",), "PromptError"),
    Case("parse_prompt: absurdly long", "canvas.parse_prompt(LONG)", ("at most 200",), "PromptError"),
    Case("parse_prompt: not text", "canvas.parse_prompt(None)", ("a prompt is text",), "PromptError"),
    Case("parse_prompt: bytes", "canvas.parse_prompt(PROMPT.encode())", ("not bytes",), "PromptError"),
    Case("encode: names no time", "canvas.encode('a red bicycle on a beach')", ("names no time",), "PromptError"),
    Case("render_prompt: zero", "canvas.render_prompt(PROMPT, 0)", ("between 1 and",), "ValueError"),
    Case("render_prompt: negative", "canvas.render_prompt(PROMPT, -5)", ("between 1 and",), "ValueError"),
    Case("render_prompt: huge", "canvas.render_prompt(PROMPT, 10**12)", ("between 1 and",), "ValueError"),
    Case("registry.module: wrong name", "registry.module('transformer')", ("unknown family",), "ValueError"),
    Case("registry.get: wrong family", "registry.get('transformer')", ("unknown family",), "ValueError"),
    Case("registry.painter: the judge", "registry.painter('judge')", ("does not paint",), "ValueError"),
    Case(
        "registry.config_of: unknown setting",
        "registry.config_of('vae', {'bta': 4.0})",
        ("vae has no setting bta",),
        "ValueError",
    ),
    Case(
        "registry.config_of: mistyped setting",
        "registry.config_of('vae', {'beta': '4'})",
        ("expected a number",),
        "ValueError",
    ),
    Case(
        "checkpoints.load_model: name outside the folder",
        "checkpoints.load_model('../gan')",
        ("checkpoint name '../gan'",),
        "ValueError",
    ),
    Case(
        "checkpoints.load_model: no such checkpoint",
        "checkpoints.load_model('gan-nope')",
        ("no checkpoint 'gan-nope'", FIX),
        "CheckpointError",
    ),
    Case("registry.check_name: capitals", "registry.check_name('Gan')", ("lower-case",), "ValueError"),
    Case("train_and_save: wrong family", "training.train_and_save('unet')", ("unknown family",), "ValueError"),
    Case(
        "train_and_save: wrong device", "training.train_and_save('gan', device='tpu')", ("device 'tpu'",), "ValueError"
    ),
    Case(
        "train_and_save: name outside the folder",
        "training.train_and_save('gan', name='../../x')",
        ("checkpoint name '../../x'",),
        "ValueError",
    ),
    Case(
        "train_and_save: another family's name",
        "training.train_and_save('gan', name='vae-x')",
        ("must start with its family",),
        "ValueError",
    ),
    Case(
        "train_and_save: unknown setting",
        "training.train_and_save('gan', overrides={'foo': 1})",
        ("gan has no setting foo",),
        "ValueError",
    ),
    Case(
        "train_and_save: mistyped setting",
        "training.train_and_save('gan', overrides={'steps': 'many'})",
        ("steps='many'",),
        "ValueError",
    ),
    Case("paint: wrong family", "gallery.paint('transformer', PROMPT, 4)", ("unknown family",), "ValueError"),
    Case("paint: the judge", "gallery.paint('judge', PROMPT, 4)", ("does not paint",), "ValueError"),
    Case("paint: unknown prompt word", "gallery.paint('gan', BICYLCE, 4)", ("did you mean",), "PromptError"),
    Case("paint: empty prompt", "gallery.paint('gan', '', 4)", ("empty",), "PromptError"),
    Case("paint: absurdly long prompt", "gallery.paint('gan', LONG, 4)", ("at most 200",), "PromptError"),
    Case(
        "paint: one bad prompt of several",
        "gallery.paint('gan', [PROMPT, BICYLCE], 2)",
        ("did you mean",),
        "PromptError",
    ),
    Case("paint: zero pictures", "gallery.paint('gan', PROMPT, 0)", ("between 1 and",), "ValueError"),
    Case(
        "registry.config_of: batch=0",
        "registry.config_of('gan', {'batch': 0})",
        ("gan setting batch=0 is out of range", "from 1 to 4096"),
        "ValueError",
    ),
    Case(
        "registry.config_of: lr=inf",
        "registry.config_of('gan', {'lr': float('inf')})",
        ("not a finite number",),
        "ValueError",
    ),
    Case(
        "registry.config_of: ema=2",
        "registry.config_of('diffusion', {'ema': 2})",
        ("ema=2.0 is out of range", "below 1"),
        "ValueError",
    ),
    Case("render_prompt: seed -1", "canvas.render_prompt(PROMPT, 2, seed=-1)", ("seed -1", "from 0 to"), "ValueError"),
    Case(
        "train_and_save: seed 2**64",
        "training.train_and_save('gan', seed=2**64)",
        ("seed 18446744073709551616", "from 0 to"),
        "ValueError",
    ),
    Case(
        "train_and_save: z_dim=0",
        "training.train_and_save('gan', overrides={'z_dim': 0})",
        ("z_dim=0 is out of range",),
        "ValueError",
    ),
)

# Every painter's sample_images(model, PROMPT, n) refuses n before any work.
SAMPLE_COUNTS = (0, -3, 2.5, 10**9)

# --- what must hold of the files --------------------------------------------------------------
# Each row has a check of its own in tests/test_bad_input.py; the words say what must hold.
FILES = (
    Case(
        "a replaced output keeps its mode",
        ("world", PROMPT, "-n", "2", "-o", "{out}"),
        ("over an existing grid.png, under umask 022: rw-r--r-- (0644), not mkstemp's 0600",),
        0,
    ),
    Case(
        "SIGTERM while the PNG is written",
        ("world", PROMPT, "-n", "1024", "--scale", "8", "-o", "{out}"),
        ("terminated while saving: no grid.png, no temporary file",),
        143,
    ),
    Case(
        "a checkpoint write interrupted",
        "store.save_checkpoint over a whole checkpoint, its weights writer interrupted half way",
        ("the old checkpoint intact, no NAME.tmp file",),
        "KeyboardInterrupt",
    ),
    Case(
        "a file replace interrupted",
        "store._replace_atomically(path, a writer that raises)",
        ("the old file intact, no temporary file",),
        "OSError",
    ),
    Case(
        "a 16-bit grey PNG",
        ("judge", "{tmp}/grey16.png"),
        ("read as grey levels: 16-bit mid-grey is 128 of 255, not clipped to white",),
        0,
    ),
    Case(
        "an output name that is not UTF-8",
        ("world", PROMPT, "-n", "2", "-o", "{tmp}/\udcff\udcfe.png"),
        ("written under its bytes, and named in the message escaped, not refused as 'surrogates not allowed'",),
        0,
    ),
    Case(
        "a cache entry that is a folder",
        "cache.arrays where a folder has the entry's name",
        ("discarded with a warning and made again (no IsADirectoryError)",),
        0,
    ),
    Case(
        "a refused grid draws nothing",
        ("world", PROMPT, "-n", "1024", "--scale", "32", "-o", "{out}"),
        ("refused before a single picture is drawn",),
        2,
    ),
)

# --- `python -m painters train gan --steps 1`, where something it needs is broken -----------
# Refused before the first training step (a diffusion run takes most of an hour: nothing may
# fail after it), naming the folder and the fix; nothing written. In-process, on a project
# folder of tiny checkpoints; "read-only" is a folder this process cannot write in even as root
# (chmod 555, and chattr +i where the tests run as root); "full" a filesystem that reports 1 MB free.
TRAIN_FOLDERS = (
    Case(
        "checkpoints folder read-only",
        "checkpoints/ read-only",
        ("saving checkpoint 'gan'", "cannot write in", "read-only", "PAINTERS_HOME"),
        2,
    ),
    Case("checkpoints folder full", "checkpoints/ on a full disk", ("saving checkpoint 'gan'", "free some space"), 2),
    Case(
        "checkpoints folder is a file",
        "a file named checkpoints where the folder should be",
        ("saving checkpoint 'gan'", "is a file, not a folder"),
        2,
    ),
    Case("cache folder read-only", ".cache/ read-only", ("the cache", "cannot write in", "read-only"), 2),
    Case("cache folder is a file", "a file named .cache", ("the cache", "is a file, not a folder"), 2),
    Case("cache folder full", ".cache/ on a full disk (no training set kept yet)", ("the cache", "free some space"), 2),
    Case(
        "the judge that measures it broken",
        "one byte of the judge's weights flipped (it measures the painter after training)",
        ("the judge measures gan after training", "corrupt"),
        2,
    ),
    Case(
        "training diverges",
        "the training returns NaN weights (as lr=1e6 would)",
        ("training diverged", "nothing was saved", "smaller learning rate"),
        2,
    ),
)

# --- `python -m painters export gan --out DIR`, where DIR is odd ------------------------------
# Refused before any export (status 2, nothing written), or, where the folder only holds an
# export gone bad, exported again (status 0) without following a link or reading outside it.
EXPORTS = (
    Case("--out read-only", "DIR read-only", ("cannot write in", "read-only", "--out"), 2),
    Case("--out on a full disk", "DIR on a full disk", ("free some space", "--out"), 2),
    Case("--out under a file", "DIR = notes.txt/onnx", ("notes.txt is a file, not a folder",), 2),
    Case("--out is a file", "DIR = notes.txt", ("notes.txt is a file, not a folder",), 2),
    Case("--out with a folder name of 300 characters", "DIR with a 300-character folder name", ("300 bytes long",), 2),
    Case("the disk fills during the export", "writing a graph fails: no space left", ("No space left on device",), 2),
    Case("the export folder is a link", "DIR/gan-SHA a link to a folder elsewhere", ("exported gan",), 0),
    Case("the export folder is a file", "DIR/gan-SHA a file", ("exported gan",), 0),
    Case("manifest.json truncated", "DIR/gan-SHA/manifest.json cut short", ("exported gan",), 0),
    Case("manifest.json nested 100,000 deep", "DIR/gan-SHA/manifest.json: 100,000 nested lists", ("exported gan",), 0),
    Case(
        "manifest.json lacks a graph's size",
        "a graph's bytes field deleted (its sha256 still right)",
        ("exported gan",),
        0,
    ),
    Case(
        "a graph file named ../",
        "a graph's file ../outside.onnx, a copy of the graph there, its sha256 matching",
        ("exported gan",),
        0,
    ),
    Case(
        "a graph file named by an absolute path",
        "a graph's file /…/outside.onnx, a copy of the graph there, its sha256 matching",
        ("exported gan",),
        0,
    ),
    Case(
        "a graph file that is a link out of the folder",
        "generator.onnx a link to a copy of the graph outside the folder",
        ("exported gan",),
        0,
    ),
    Case(
        "a graph's weights NaN, its sha256 updated",
        "the generator's weights NaN in its ONNX file, the manifest's size and sha256 updated to match",
        ("exported gan",),
        0,
    ),
)

# --- the build: its up-front check (on_pre_build) and `make site` -----------------------------
# on_pre_build on a project folder of tiny checkpoints with current exports: refused (a
# PluginError listing every problem and its fix) before any page runs, or made good (status 0:
# an export made again, a labs' cache entry deleted so its notebook runs again; the words are
# then what it logs). The `make site` rows run scripts/build_site.py with a stand-in mkdocs.
BUILD = (
    Case("gan weights NaN, sha256 updated", "gan's float weights NaN", ("gan:", "not finite numbers"), "PluginError"),
    Case(
        "gan outputs not finite, sha256 updated",
        "gan's float weights 1e38",
        ("gan:", "compute numbers that are not finite"),
        "PluginError",
    ),
    Case(
        "a loss history missing",
        "gan.history.json deleted",
        ("gan:", "no loss history", "git checkout -- checkpoints/gan.history.json"),
        "PluginError",
    ),
    Case("a loss history truncated", "gan.history.json cut short", ("gan:", "unreadable"), "PluginError"),
    Case("a loss history with NaN", "a NaN in gan.history.json", ("gan:", "not finite"), "PluginError"),
    Case(
        "a benchmark result truncated",
        "benchmarks/bench.json cut short",
        ("bench.json", "unreadable", "git checkout -- benchmarks/bench.json"),
        "PluginError",
    ),
    Case(
        "onnxruntime-web not installed",
        "node_modules/onnxruntime-web missing",
        ("onnxruntime-web is not installed", "npm ci"),
        "PluginError",
    ),
    Case("the cache folder is a file", "a file named .cache", ("the cache", "is a file, not a folder"), "PluginError"),
    Case("the cache folder read-only", ".cache/ read-only", ("the cache", "read-only"), "PluginError"),
    Case(
        "an export's graph named ../",
        "a graph's file ../outside.onnx in the gan export, its sha256 matching",
        ("exported gan",),
        0,
    ),
    Case("an export manifest truncated", "the gan export's manifest.json cut short", ("exported gan",), 0),
    Case(
        "an export's graph NaN, sha256 updated",
        "the gan generator's weights NaN in its ONNX file, the manifest's size and sha256 updated",
        ("exported gan",),
        0,
    ),
    Case("an export folder a link", "the gan export's folder a link to a copy elsewhere", ("exported gan",), 0),
    Case(
        "a labs' cache entry tampered with",
        "a word of an executed notebook's HTML changed",
        ("changed since the build that made it", "executed again"),
        0,
    ),
    Case("a labs' cache entry truncated", "an executed notebook cut short", ("changed since", "executed again"), 0),
    Case("a labs' cache entry a folder", "a folder named like an entry", ("not a regular file", "executed again"), 0),
    Case(
        "a labs' cache entry a link out of the tree",
        "an entry replaced by a link to a JSON file elsewhere",
        ("not a regular file", "executed again"),
        0,
    ),
    Case(
        "a labs' cache entry no build made",
        "an entry written by hand (a valid page, no record of it)",
        ("made by no recorded build", "executed again"),
        0,
    ),
    Case("make site: the build fails half way", "mkdocs writes half a site, then fails", ("left as it was",), 1),
    Case("make site: the build is interrupted", "Ctrl-C while mkdocs builds", ("interrupted", "left as it was"), 130),
    Case("make site: the build succeeds", "mkdocs builds a whole site", ("the new site is in",), 0),
)

# --- signals and pipes, as a real process ------------------------------------------------------
SIGNALS = (
    Case(
        "Ctrl-C while the PNG is written",
        ("world", PROMPT, "-n", "1024", "--scale", "8", "-o", "{out}"),
        ("interrupted while saving: no traceback, no grid.png, no temporary file",),
        130,
    ),
    Case(
        "Ctrl-C while training",
        ("train", "judge", "--set", "steps=100000", "--set", "real_images=64", "--set", "empty_images=16"),
        ("interrupted at a training step: no traceback, no checkpoint written",),
        130,
    ),
    Case(
        "Ctrl-C while torch loads",
        ("train", "judge", "--set", "steps=100000"),
        ("interrupted while torch loads, 0.3 to 2.5 s in: no traceback",),
        130,
    ),
    Case(
        "stdout closed (checkpoints | head -1)",
        ("checkpoints",),
        ("the reader gone before the output: exit 141, nothing on stderr",),
        141,
    ),
    Case(
        "SIGTERM while training",
        ("train", "judge", "--set", "steps=100000", "--set", "real_images=64", "--set", "empty_images=16"),
        ("terminated at a training step: no traceback, no checkpoint written",),
        143,
    ),
)

#: The tables in the order the site shows them, with what their rows ask.
TABLES = (
    ("checkpoint", "sample and load_model, on a checkpoint broken so", BROKEN_CHECKPOINTS),
    ("checkpoints", "python -m painters checkpoints, on a folder where", CHECKPOINTS_COMMAND),
    ("command", "python -m painters", COMMANDS),
    ("output", "python -m painters world (and sample) ... -o", OUTPUTS),
    ("process", "python -m painters, as its own process", PROCESSES),
    ("api", "Python", API),
    ("train", "python -m painters train gan --steps 1, where", TRAIN_FOLDERS),
    ("export", "python -m painters export gan --out DIR, where", EXPORTS),
    ("build", "the site's build (on_pre_build, make site), where", BUILD),
    ("signal", "python -m painters, as its own process", SIGNALS),
    ("files", "what must hold of the files", FILES),
)
