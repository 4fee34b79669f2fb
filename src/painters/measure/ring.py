"""Mode collapse on a toy where every right answer is known: a ring of eight Gaussian blobs.

A tiny GAN (two small MLPs) learns to produce 2-D points like the ring's. Trained the plain way
(Goodfellow et al., 2014, with the non-saturating generator loss), it tends to settle on a few
blobs and hop between them as the critic catches up; the R1 gradient penalty (Mescheder et al.,
2018, https://arxiv.org/abs/1801.04406) makes the critic pay for steep slopes at real points,
so its verdict cannot swing the generator from one blob to the next. Chapter: docs/gan.md.

Coverage: how many of the 8 blobs get at least a quarter of their fair share of samples (a
sample belongs to a blob when it lies within 3 standard deviations of its centre). Quality: the
share of samples that land on some blob at all. Few blobs covered with most samples on a blob
is collapse; few samples on any blob is a generator that never settled.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

MODES = 8
RADIUS = 2.0


@dataclass(frozen=True)
class Setting:
    """One way of training the toy GAN."""

    r1: float = 0.0  # R1 penalty weight gamma (0: the plain GAN)
    std: float = 0.05  # each blob's standard deviation
    steps: int = 2000
    batch: int = 128
    lr: float = 1e-3
    z_dim: int = 16
    width: int = 128


def centres() -> np.ndarray:
    angles = np.arange(MODES) * 2 * np.pi / MODES
    return RADIUS * np.stack([np.cos(angles), np.sin(angles)], 1)  # (8, 2)


def mode_shares(samples: np.ndarray, std: float) -> np.ndarray:
    """The share of samples within 3 std of each blob's centre, (8,)."""
    dist = np.linalg.norm(samples[:, None, :] - centres()[None], axis=-1)  # (N, 8)
    near = dist.min(1) < 3 * std
    return np.array([np.mean(near & (dist.argmin(1) == m)) for m in range(MODES)])


def covered(samples: np.ndarray, std: float) -> int:
    """How many blobs get at least a quarter of their fair share of samples."""
    return int((mode_shares(samples, std) >= 0.25 / MODES).sum())


@dataclass
class Run:
    setting: Setting
    seed: int
    samples: np.ndarray  # (1024, 2) at the end
    real: np.ndarray  # (1024, 2) real points, for the chart
    snapshots: list[tuple[int, np.ndarray]]  # (step, the blobs' shares of samples then)
    coverage: int  # blobs covered at the end
    quality: float  # share of samples on some blob at the end


class _Stacked(nn.Module):
    """One small MLP per run, their weights stacked: each layer is one batched matrix product
    over every run at once, (runs, batch, in) -> (runs, batch, out). The runs never mix."""

    def __init__(self, mlps: list[nn.Sequential]) -> None:
        super().__init__()
        linears = [[m for m in mlp if isinstance(m, nn.Linear)] for mlp in mlps]
        self.weights = nn.ParameterList(
            [nn.Parameter(torch.stack([run[i].weight.detach().T for run in linears])) for i in range(len(linears[0]))]
        )
        self.biases = nn.ParameterList(
            [nn.Parameter(torch.stack([run[i].bias.detach()[None] for run in linears])) for i in range(len(linears[0]))]
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            x = torch.baddbmm(b, x, w)
            if i < len(self.weights) - 1:
                x = F.relu(x)
        return x


def train(setting: Setting, seed: int) -> Run:
    """Train the toy GAN and record, every tenth of the way, which blobs its samples land on."""
    return train_many(setting, (seed,))[0]


def train_many(setting: Setting, seeds: tuple[int, ...]) -> list[Run]:
    """One toy GAN per seed, trained side by side: every run's networks are stacked into one
    batched network (twelve runs cost about what two cost one at a time). Each run starts from
    the weights and draws the data a run of its own would (its seed's generator), and keeps its
    own loss, gradients and Adam state: summing the runs' losses leaves each run's gradient its own."""
    c = torch.tensor(centres(), dtype=torch.float32)
    gens = [torch.Generator().manual_seed(seed) for seed in seeds]

    def mlp(cin: int, cout: int) -> nn.Sequential:
        w = setting.width
        return nn.Sequential(nn.Linear(cin, w), nn.ReLU(), nn.Linear(w, w), nn.ReLU(), nn.Linear(w, cout))

    gs, ds = [], []
    for seed in seeds:
        torch.manual_seed(seed)
        gs.append(mlp(setting.z_dim, 2))
        ds.append(mlp(2, 1))
    G, D = _Stacked(gs), _Stacked(ds)
    opt_g = torch.optim.Adam(G.parameters(), lr=setting.lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=setting.lr, betas=(0.5, 0.999))
    fixed_z = torch.stack([torch.randn(1024, setting.z_dim, generator=g) for g in gens])
    snapshots: list[list[tuple[int, np.ndarray]]] = [[] for _ in seeds]
    b = setting.batch

    def draw(g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        real = c[torch.randint(MODES, (b,), generator=g)] + setting.std * torch.randn(b, 2, generator=g)
        return real, torch.randn(b, setting.z_dim, generator=g)

    def per_run_mean(x: torch.Tensor) -> torch.Tensor:  # (runs, batch, ...) -> each run's mean, summed
        return x.reshape(len(seeds), -1).mean(1).sum()

    for i in range(setting.steps):
        real, z = (torch.stack(t) for t in zip(*(draw(g) for g in gens), strict=True))
        real.requires_grad_(setting.r1 > 0)
        fake = G(z)
        d_real = D(real)
        d_loss = per_run_mean(F.softplus(-d_real)) + per_run_mean(F.softplus(D(fake.detach())))
        if setting.r1 > 0:  # R1: (gamma / 2) * |grad_x D(x)|^2 at real points
            (grad,) = torch.autograd.grad(d_real.sum(), real, create_graph=True)
            d_loss = d_loss + setting.r1 / 2 * per_run_mean(grad.pow(2).sum(-1))
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = per_run_mean(F.softplus(-D(fake)))  # non-saturating: -log D(G(z))
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        if (i + 1) % max(1, setting.steps // 10) == 0:
            with torch.no_grad():
                now = G(fixed_z).numpy()
            for k in range(len(seeds)):
                snapshots[k].append((i + 1, mode_shares(now[k], setting.std)))
    with torch.no_grad():
        samples = G(fixed_z).numpy()
    out = []
    for k, seed in enumerate(seeds):
        rng = np.random.default_rng(seed)
        real_points = centres()[np.arange(1024) % MODES] + setting.std * rng.normal(size=(1024, 2))
        shares = mode_shares(samples[k], setting.std)
        coverage, quality = int((shares >= 0.25 / MODES).sum()), float(shares.sum())
        out.append(Run(setting, seed, samples[k], real_points, snapshots[k], coverage, quality))
    return out


R1 = 0.1  # the penalty weight of the fixed runs
SEEDS = tuple(range(6))


def covered_over_time(run: Run) -> list[tuple[int, tuple[int, ...]]]:
    """(step, the blobs covered then) for every tenth of training: blobs numbered 1 to 8."""
    return [(step, tuple(int(m) + 1 for m in np.flatnonzero(shares >= 0.25 / MODES))) for step, shares in run.snapshots]


def hops(run: Run) -> int:
    """How often the set of blobs the samples cover changes from one tenth of training to the next."""
    covered = [blobs for _, blobs in covered_over_time(run)]
    return sum(a != b for a, b in itertools.pairwise(covered))


def most_collapsed(runs: list[Run]) -> Run:
    """The run that covers the fewest blobs while most of its samples still land on one: collapse,
    not a generator that never settled (ties: the lower seed)."""
    settled = [run for run in runs if run.quality >= 0.3] or runs
    return min(settled, key=lambda run: (run.coverage, run.seed))


def runs(setting: Setting, seeds: tuple[int, ...] = SEEDS) -> list[Run]:
    """One run per seed, kept in the cache folder (keyed by this file's code, the setting and the
    seeds trained together): the same code gives the same runs."""
    import dataclasses
    import hashlib
    import json
    from pathlib import Path

    from painters.core import cache, files, paths

    code = files.code_hash([Path(__file__)]).encode()
    trained: dict[int, Run] = {}  # the seeds are trained together (train_many) when one is missing
    out = []
    for seed in seeds:
        request = json.dumps([dataclasses.asdict(setting), list(seeds), seed]).encode()
        key = hashlib.sha256(code + request).hexdigest()[:24]
        n = setting.steps // max(1, setting.steps // 10)  # snapshots: one every tenth, as train() takes them
        shapes = {
            "samples": ((1024, 2), "float32"),
            "real": ((1024, 2), "float64"),
            "shares": ((n, MODES), "float64"),
            "steps": ((n,), "int64"),
            "scores": ((2,), "float64"),
        }

        def make(seed: int = seed) -> dict[str, np.ndarray]:
            if seed not in trained:
                trained.update((run.seed, run) for run in train_many(setting, seeds))
            run = trained[seed]
            return {
                "samples": run.samples.astype(np.float32),
                "real": run.real,
                "shares": np.array([s for _, s in run.snapshots]),
                "steps": np.array([i for i, _ in run.snapshots], dtype=np.int64),
                "scores": np.array([run.coverage, run.quality], dtype=np.float64),
            }

        a = cache.arrays(paths.CACHE_DIR / "ring" / f"{key}.npz", key, shapes, make)
        snapshots = list(zip(a["steps"].tolist(), list(a["shares"]), strict=True))
        out.append(Run(setting, seed, a["samples"], a["real"], snapshots, int(a["scores"][0]), float(a["scores"][1])))
    return out
