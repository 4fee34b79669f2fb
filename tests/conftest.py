"""Fixtures shared by the unit tests (helpers they use are in tests/support.py)."""

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import torch
from checkpoint_home import use_home
from support import CPU, FAKE_FAMILY, install_family

from painters import canvas
from painters.core import paths
from painters.families import fit
from painters.families import judge as judge_model
from painters.measure import judge, metrics


@pytest.fixture(scope="module")
def one_thread() -> Iterator[None]:
    """Tiny convolutions run fastest on one thread; two threads on a busy 2-core machine
    spin against other jobs and made the GAN and VAE test files 20x slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def data() -> canvas.Dataset:
    """256 renders of the world (seed 1): what the family tests' tiny painters learn from.
    (test_fit and test_judge define a `data` of their own.)"""
    return canvas.make_dataset(256, 1)


@pytest.fixture(scope="session")
def fresh() -> fit.Batch:
    """Pictures no tiny painter trained on (another seed of the world)."""
    return fit.Pictures(canvas.make_dataset(128, 99), CPU).take(torch.arange(128))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder of the test's own, its checkpoints folder empty (returned) and its cache
    folder too, so that no test reads or writes the committed ones."""
    (tmp_path / "home" / "checkpoints").mkdir(parents=True)
    return use_home(monkeypatch, tmp_path / "home")


@pytest.fixture
def fake_family(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """painters.fake, registered as a fifth painting family (undone after the test)."""
    return install_family(monkeypatch, tmp_path, "fake", FAKE_FAMILY)


@pytest.fixture
def small_protocol(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> judge_model.Judge:
    """The whole-world protocol cut down to 3 scenes x 4 pictures, read by an untrained tiny
    judge instead of the committed one: the measurement's plumbing, in a second. What it keeps
    goes to a cache folder of the test's own (unless `home` gave it one already)."""
    if paths.CACHE_DIR == paths.PROJECT_DIR / ".cache":
        monkeypatch.setattr(paths, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(
        metrics, "groups", lambda: {"trained": (canvas.TRAIN_SCENES[:2], 4), "held_out": (canvas.HELD_OUT[:1], 4)}
    )
    torch.manual_seed(0)
    model = judge_model.build(judge_model.Config.tiny()).eval()
    monkeypatch.setattr(judge, "load_judge", lambda: model)
    return model


@pytest.fixture(scope="session")
def tiny_painters(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """(checkpoints folder, export folder): a tiny checkpoint of every painting family and of
    the judge, trained in seconds (tests/tiny_painters.py), and their ONNX exports
    (painters.export: the page's judge is exported too)."""
    from tiny_painters import make

    from painters.browser import export
    from painters.families import registry

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    base = tmp_path_factory.mktemp("tiny-painters")
    checkpoints = make(base / "checkpoints", (*registry.painters(), export.JUDGE))
    export.export_all(None, base / "onnx", checkpoints)
    yield checkpoints, base / "onnx"
    torch.set_num_threads(threads)
