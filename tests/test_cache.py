"""Cache files: every broken, foreign or planted copy is discarded and made again; writes are atomic."""

import logging
import multiprocessing
import os
import pickle
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from painters.core import cache

KEY = "entry-1"
SHAPES = {"images": ((4, 8, 8, 3), "uint8"), "labels": ((4,), "int64")}


def good_arrays() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {"images": rng.integers(0, 256, (4, 8, 8, 3), dtype=np.uint8), "labels": np.arange(4, dtype=np.int64) + 7}


class Maker:
    """A `make` callable that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> dict[str, np.ndarray]:
        self.calls += 1
        return good_arrays()


def assert_good(arrays: dict[str, np.ndarray]) -> None:
    expected = good_arrays()
    assert set(arrays) == set(expected)
    for name, value in expected.items():
        np.testing.assert_array_equal(arrays[name], value)
        assert arrays[name].dtype == value.dtype


@pytest.fixture
def entry(tmp_path: Path) -> Iterator[Path]:
    """A cache folder holding one good entry."""
    path = tmp_path / "cache" / "entry.npz"
    make = Maker()
    assert_good(cache.arrays(path, KEY, SHAPES, make))
    assert make.calls == 1
    return path


def test_a_good_entry_is_read_back_without_making_it_again(entry, caplog):
    def make():
        raise AssertionError("made again although the kept copy is good")

    with caplog.at_level(logging.WARNING, logger="painters.cache"):
        assert_good(cache.arrays(entry, KEY, SHAPES, make))
    assert caplog.records == []


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"\0" * path.stat().st_size)


def _zero_arrays(path: Path) -> None:
    # the same names, shapes and key, and the digest of the real contents: only the values lie
    with np.load(path) as f:
        recorded = {name: f[name] for name in f.files}
    zeros = {name: np.zeros_like(a) for name, a in recorded.items() if not name.startswith("__")}
    np.savez(path, **zeros, __key__=recorded["__key__"], __digest__=recorded["__digest__"])


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(np.random.default_rng(1).bytes(3000))


def _pickle(path: Path) -> None:
    path.write_bytes(pickle.dumps({"images": good_arrays()["images"]}))


def _object_array(path: Path) -> None:
    # an npz whose array needs pickle to load: never loaded
    arrays = {**good_arrays(), "images": np.array([good_arrays()["images"]], dtype=object)}
    np.savez(path, **arrays, __key__=np.array(KEY), __digest__=np.array(cache.digest(good_arrays())))


def _other_entry(path: Path) -> None:
    other = path.with_name("other.npz")
    cache.write(other, "entry-2", good_arrays())  # a whole, honest file, made for another entry
    shutil.copyfile(other, path)


def _wrong_dtype(path: Path) -> None:
    arrays = {**good_arrays(), "labels": good_arrays()["labels"].astype(np.int32)}
    cache.write(path, KEY, arrays)


def _wrong_shape(path: Path) -> None:
    arrays = {**good_arrays(), "images": good_arrays()["images"][:3]}
    cache.write(path, KEY, arrays)


def _missing_array(path: Path) -> None:
    cache.write(path, KEY, {"images": good_arrays()["images"]})


DAMAGE = {
    "zero bytes over it": (_zero_bytes, "unreadable"),
    "zero arrays of the same shape": (_zero_arrays, "do not match their digest"),
    "truncated": (_truncate, "unreadable"),
    "garbage": (_garbage, "unreadable"),
    "a pickle": (_pickle, "unreadable"),
    "an array that needs pickle": (_object_array, "unreadable"),
    "another entry's file": (_other_entry, "another entry"),
    "wrong dtype": (_wrong_dtype, "labels is int32"),
    "wrong shape": (_wrong_shape, r"images is uint8 \(3, 8, 8, 3\)"),
    "an array missing": (_missing_array, "holds"),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_entry_is_discarded_with_a_warning_and_made_again(entry, damage, caplog):
    spoil, reason = DAMAGE[damage]
    spoil(entry)
    make = Maker()
    with caplog.at_level(logging.WARNING, logger="painters.cache"):
        assert_good(cache.arrays(entry, KEY, SHAPES, make))
    assert make.calls == 1
    (record,) = [r for r in caplog.records if r.name == "painters.cache"]
    assert record.levelno == logging.WARNING
    assert str(entry) in record.getMessage()
    assert re.search(reason, record.getMessage()), record.getMessage()
    # made again and kept: the next read trusts the new copy
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="painters.cache"):
        assert_good(cache.arrays(entry, KEY, SHAPES, Maker()))
    assert caplog.records == []


def test_a_symlink_out_of_the_cache_is_discarded_and_its_target_left_alone(entry, tmp_path, caplog):
    outside = tmp_path / "outside.npz"
    cache.write(outside, KEY, good_arrays())  # even a good file is not trusted through a link
    before = outside.read_bytes()
    entry.unlink()
    entry.symlink_to(outside)
    make = Maker()
    with caplog.at_level(logging.WARNING, logger="painters.cache"):
        assert_good(cache.arrays(entry, KEY, SHAPES, make))
    assert make.calls == 1
    assert str(entry) in caplog.text
    assert "not a regular file" in caplog.text
    assert not entry.is_symlink()
    assert entry.is_file()
    assert outside.read_bytes() == before


def test_a_dangling_symlink_is_replaced(entry, tmp_path, caplog):
    entry.unlink()
    entry.symlink_to(tmp_path / "nowhere.npz")
    with caplog.at_level(logging.WARNING, logger="painters.cache"):
        assert_good(cache.arrays(entry, KEY, SHAPES, Maker()))
    assert str(entry) in caplog.text
    assert entry.is_file()
    assert not entry.is_symlink()
    assert not (tmp_path / "nowhere.npz").exists()


def test_made_arrays_of_the_wrong_shape_are_an_error_not_an_entry(tmp_path):
    path = tmp_path / "entry.npz"
    with pytest.raises(ValueError, match=r"entry.npz: labels came out as int64 \(5,\), expected int64 \(4,\)"):
        cache.arrays(path, KEY, SHAPES, lambda: {**good_arrays(), "labels": np.arange(5)})
    with pytest.raises(ValueError, match="images came out as nothing"):
        cache.arrays(path, KEY, SHAPES, lambda: {"labels": good_arrays()["labels"]})
    assert not path.exists()


def test_made_arrays_beyond_the_shapes_are_an_error_not_an_entry_that_never_reads_back(tmp_path):
    path = tmp_path / "entry.npz"
    with pytest.raises(ValueError, match="extra"):
        cache.arrays(path, KEY, SHAPES, lambda: {**good_arrays(), "extra": np.zeros(2)})
    assert not path.exists()


def test_digest_covers_names_dtypes_shapes_and_values():
    a = good_arrays()
    base = cache.digest(a)
    assert cache.digest(good_arrays()) == base
    assert cache.digest({**a, "labels": a["labels"] + 1}) != base
    assert cache.digest({**a, "labels": a["labels"].astype(np.int32)}) != base
    assert cache.digest({**a, "labels": a["labels"].reshape(2, 2)}) != base
    assert cache.digest({"images": a["images"], "other": a["labels"]}) != base


# --- writing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640)])
def test_a_written_file_has_the_mode_a_plain_open_gives(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        path = tmp_path / "entry.npz"
        cache.write(path, KEY, good_arrays())
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == mode


def test_an_interrupted_write_keeps_the_old_entry_and_leaves_no_temporary(entry, monkeypatch):
    before = entry.read_bytes()

    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.np, "savez", broken)
    with pytest.raises(KeyboardInterrupt):
        cache.write(entry, KEY, {**good_arrays(), "labels": np.zeros(4, dtype=np.int64)})
    assert entry.read_bytes() == before
    assert sorted(p.name for p in entry.parent.iterdir()) == [entry.name]


BIG = 2_000_000  # int64 values: 16 MB, so that two writes overlap


def _fill(path: str, barrier: object, results: object) -> None:
    """One process filling the entry: both make it before either writes (the barrier). Without
    the entry's lock: with it, the second would wait instead (the test below), and what is
    tested here is that writes that do overlap still leave it whole."""

    def make() -> dict[str, np.ndarray]:
        barrier.wait(timeout=60)  # type: ignore[attr-defined]
        return {"values": np.arange(BIG, dtype=np.int64)}

    out = cache.arrays(Path(path), KEY, {"values": ((BIG,), "int64")}, make, lock=False)
    results.put(cache.digest(out))  # type: ignore[attr-defined]


def test_two_processes_filling_one_entry_at_once_both_succeed(tmp_path, caplog):
    context = multiprocessing.get_context("spawn")
    path = tmp_path / "cache" / "shared.npz"
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_fill, args=(str(path), barrier, results)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=180)
    assert [worker.exitcode for worker in workers] == [0, 0]
    digests = [results.get(timeout=10) for _ in workers]
    expected = cache.digest({"values": np.arange(BIG, dtype=np.int64)})
    assert digests == [expected, expected]
    assert [p.name for p in path.parent.iterdir()] == ["shared.npz"]  # no temporary left behind

    def make():
        raise AssertionError("the entry the two processes wrote did not read back")

    with caplog.at_level(logging.WARNING, logger="painters.cache"):
        cache.arrays(path, KEY, {"values": ((BIG,), "int64")}, make)
    assert caplog.records == []


# --- one maker at a time ----------------------------------------------------------------------


def _make_slowly(path: str, started: object, release: object) -> None:
    """A process making the entry, holding its lock until told to finish."""

    def make() -> dict[str, np.ndarray]:
        started.set()  # type: ignore[attr-defined]
        release.wait(timeout=60)  # type: ignore[attr-defined]
        return good_arrays()

    cache.arrays(Path(path), KEY, SHAPES, make)


def test_an_entry_being_made_elsewhere_is_waited_for_and_read_not_made_again(tmp_path):
    context = multiprocessing.get_context("spawn")
    path = tmp_path / "cache" / "entry.npz"
    started, release = context.Event(), context.Event()
    maker = context.Process(target=_make_slowly, args=(str(path), started, release))
    maker.start()
    try:
        assert started.wait(timeout=60)
        make = Maker()
        with cache.deferring(), pytest.raises(cache.BusyError):  # told at once, nothing made
            cache.arrays(path, KEY, SHAPES, make)
        got: list[dict[str, np.ndarray]] = []
        waiter = threading.Thread(target=lambda: got.append(cache.arrays(path, KEY, SHAPES, make)))
        waiter.start()
        waiter.join(timeout=1)
        assert waiter.is_alive(), "the second asker did not wait for the maker"
        release.set()
        waiter.join(timeout=60)
    finally:
        release.set()
        maker.join(timeout=60)
    assert maker.exitcode == 0
    assert make.calls == 0  # the waiter read the maker's copy
    assert_good(got[0])
    assert [p.name for p in path.parent.iterdir()] == ["entry.npz"]  # the lock is gone too
