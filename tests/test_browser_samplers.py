"""The browser's samplers (docs/assets/painter/samplers.js) under Node, on the exported graphs,
with torch's random draws replayed: the pictures torch's samplers paint, within 1/255 on average
(GAN, VAE, diffusion), and the very same tokens (autoregressive)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from support import PROMPTS

from painters import canvas
from painters.browser import export
from painters.checkpoints import loading
from painters.families import autoregressive, diffusion, gan, vae
from painters.families.shared import to_pixels

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 1e-4  # float noise between onnxruntime and torch, on probabilities

pytestmark = [
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed"),
    pytest.mark.skipif(
        not (ROOT / "node_modules" / "onnxruntime-web").is_dir(),
        reason="onnxruntime-web is not installed: run `npm ci --ignore-scripts`",
    ),
]


def _node(script: str, job: Any) -> Any:
    out = subprocess.run(
        ["node", str(ROOT / "tests" / "js" / script)], input=json.dumps(job), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout)


def _paint_in_node(tiny_painters, name: str, jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    checkpoints, root = tiny_painters
    record = export.check_export(name, root, checkpoints)
    folder = export.export_folder(name, record["weights_sha256"], root)
    return _node("samplers.mjs", {"folder": str(folder), "jobs": jobs})


def _pixels(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.uint8).reshape(canvas.SIZE, canvas.SIZE, 3)


def _mean_difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(int) - b.astype(int)).mean() / 255)


def _normal(seed: int, *shape: int) -> list[float]:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed)).flatten().tolist()


@pytest.mark.parametrize("truncation", [1.0, 0.6])
def test_gan_in_node_paints_torchs_pictures(tiny_painters, truncation):
    model = loading.load_model("gan", tiny_painters[0])[0]
    jobs = [{"tokens": canvas.encode(p), "draws": {"normal": _normal(s, 1, model.config.z_dim)},
             "options": {"truncation": truncation}} for s, p in enumerate(PROMPTS)]  # fmt: skip
    for seed, (prompt, out) in enumerate(zip(PROMPTS, _paint_in_node(tiny_painters, "gan", jobs), strict=True)):
        expected = gan.sample_images(model, prompt, 1, seed, truncation=truncation)[0]
        assert _mean_difference(_pixels(out["pixels"]), expected) <= 1 / 255


@pytest.mark.parametrize("temperature", [1.0, 0.5])
def test_vae_in_node_paints_torchs_pictures(tiny_painters, temperature):
    model = loading.load_model("vae", tiny_painters[0])[0]
    jobs = [{"tokens": canvas.encode(p), "draws": {"normal": _normal(s, 1, model.config.latent_dim)},
             "options": {"temperature": temperature}} for s, p in enumerate(PROMPTS)]  # fmt: skip
    for seed, (prompt, out) in enumerate(zip(PROMPTS, _paint_in_node(tiny_painters, "vae", jobs), strict=True)):
        expected = vae.sample_images(model, prompt, 1, seed, temperature=temperature)[0]
        assert _mean_difference(_pixels(out["pixels"]), expected) <= 1 / 255


@pytest.mark.parametrize(("steps", "guidance"), [(None, None), (7, 2.5), (2, 1.0)])
def test_diffusion_in_node_paints_torchs_pictures_and_every_x0(tiny_painters, steps, guidance):
    model = loading.load_model("diffusion", tiny_painters[0])[0]
    options = {"steps": steps, "guidance": guidance}
    jobs = [{"tokens": canvas.encode(p), "draws": {"normal": _normal(s, 1, 3, 32, 32)}, "options": options}
            for s, p in enumerate(PROMPTS)]  # fmt: skip
    for seed, (prompt, out) in enumerate(zip(PROMPTS, _paint_in_node(tiny_painters, "diffusion", jobs), strict=True)):
        expected = diffusion.sample_images(model, prompt, 1, seed, steps=steps, guidance=guidance)[0]
        assert _mean_difference(_pixels(out["pixels"]), expected) <= 1 / 255
        path = diffusion.ddim_trajectory(
            model, torch.tensor([canvas.encode(prompt)]), steps=steps or model.config.sample_steps,
            guidance=model.config.guidance if guidance is None else guidance,
            generator=torch.Generator().manual_seed(seed),
        )  # fmt: skip
        assert len(out["x0"]) == len(out["xt"]) == len(path) - 1
        for shown, noisy, (_, xt, x0) in zip(out["x0"], out["xt"], path, strict=False):
            assert _mean_difference(_pixels(shown), to_pixels(x0)[0]) <= 1 / 255
            assert _mean_difference(_pixels(noisy), to_pixels(xt)[0]) <= 1 / 255


@pytest.mark.parametrize("forced", [{}, {"3": 1, "20": 0}])
def test_autoregressive_in_node_writes_torchs_tokens(tiny_painters, forced):
    model = loading.load_model("autoregressive", tiny_painters[0])[0]
    jobs, expected = [], []
    for seed, prompt in enumerate(PROMPTS):
        draws = torch.Generator().manual_seed(seed)
        uniform = [torch.rand((1, 1), generator=draws).item() for _ in range(autoregressive.LENGTH)]
        jobs.append({"tokens": canvas.encode(prompt), "draws": {"uniform": uniform}, "options": {"forced": forced}})
        ids = autoregressive.sample_tokens(
            model, torch.tensor([canvas.encode(prompt)]), torch.Generator().manual_seed(seed),
            forced={int(k): v for k, v in forced.items()},
        )  # fmt: skip
        expected.append((ids[0].tolist(), autoregressive.decode_tokens(model, ids)[0]))
    for out, (ids, pixels) in zip(_paint_in_node(tiny_painters, "autoregressive", jobs), expected, strict=True):
        assert out["ids"] == ids
        assert _mean_difference(_pixels(out["pixels"]), pixels) <= 1 / 255


def test_schedule_times_and_pixels_are_torchs():
    """alphaBar at every t, the DDIM times for any step count (halves rounded to even) and
    to_pixels (halves too), computed by the JS as torch computes them, in float32."""
    settings = {"timesteps": 1000, "s": diffusion.SCHEDULE_OFFSET, "min": diffusion.ALPHA_BAR_MIN, "max": 1.0}
    steps = [*range(1, 61), 100, 250, 1000]
    values = np.concatenate([np.linspace(-1.2, 1.2, 2001), (np.arange(256) + 0.5) / 127.5 - 1]).astype(np.float32)
    values = np.resize(values, 3 * 32 * 32 * 3).astype(np.float32)
    calls = [{"fn": "alphaBar", "args": [t, settings]} for t in range(1001)]
    calls += [{"fn": "ddimTimes", "args": [1000, n]} for n in steps]
    calls += [{"fn": "toPixels", "args": [values[i * 3072 : (i + 1) * 3072].tolist()]} for i in range(3)]
    out = _node("functions.mjs", calls)
    expected = diffusion.alpha_bar(torch.arange(1001), 1000).numpy()
    assert np.abs(np.array(out[:1001], dtype=np.float32) - expected).max() <= 1e-6
    for n, times in zip(steps, out[1001 : 1001 + len(steps)], strict=True):
        assert times == torch.linspace(1000, 0, n + 1).round().long().tolist(), n
    for i, pixels in enumerate(out[1001 + len(steps) :]):
        chw = torch.from_numpy(values[i * 3072 : (i + 1) * 3072].reshape(1, 3, 32, 32))
        assert np.array_equal(_pixels(pixels), to_pixels(chw)[0])


def test_the_judge_in_node_reads_what_torch_reads(tiny_painters):
    """The page's judge (the exported graph, read by samplers.js) on a few renders, an empty
    scene and noise: the same words as judge.read, and the same probabilities as
    judge.probabilities and judge.match_probability (float noise apart)."""
    from painters.measure import judge

    checkpoints, root = tiny_painters
    model = loading.load_model("judge", checkpoints)[0]
    scenes = [canvas.ALL_SCENES[i] for i in (0, 17, 50)]
    noise = np.random.default_rng(0).integers(0, 256, (1, canvas.SIZE, canvas.SIZE, 3), dtype=np.uint8)
    empty = canvas.render_many(scenes[:1], 3, with_object=False)
    images = np.concatenate([canvas.render_many(scenes, 1), empty, noise])
    wanted = [*scenes, scenes[0], scenes[1]]
    record = export.check_export("judge", root, checkpoints)
    folder = export.export_folder("judge", record["weights_sha256"], root)
    jobs = [{"pixels": image.flatten().tolist(), "wanted": {a: getattr(s, a) for a in canvas.ATTRIBUTES}}
            for image, s in zip(images, wanted, strict=True)]  # fmt: skip
    out = _node("judge.mjs", {"folder": str(folder), "jobs": jobs})
    readings, p = judge.read(images, model), judge.probabilities(images, model)
    for i, (reading, scene) in enumerate(zip(out, wanted, strict=True)):
        assert abs(reading["scene"] - p["scene"][i]) <= TOLERANCE
        assert abs(reading["match"] - judge.match_probability(images[i : i + 1], scene, model)[0]) <= TOLERANCE
        for name in canvas.ATTRIBUTES:
            assert abs(reading["confidence"][name] - readings.confidence[name][i]) <= TOLERANCE
            if reading["names"][name] != readings.names[name][i]:  # a near tie may go either way
                top = np.sort(p[name][i])[-2:]
                assert top[1] - top[0] <= TOLERANCE, (name, reading["names"][name], readings.names[name][i])
        if reading["scene"] < 0.5:
            assert reading["words"] == "not a scene"
        elif reading["names"] == {name: readings.names[name][i] for name in canvas.ATTRIBUTES}:
            assert reading["words"] == readings.describe(i)
