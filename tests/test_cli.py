"""The command line, end to end in-process: good runs write a PNG, bad input writes nothing."""

import os

import numpy as np
import pytest
from PIL import Image

from painters.__main__ import main


def run(capsys, *argv):
    code = main([str(a) for a in argv]) if argv else main([])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_world_writes_a_grid_the_judge_can_read(tmp_path, capsys):
    path = tmp_path / "scene.png"
    code, out, _ = run(capsys, "world", "a red bike on the sand at dusk", "-n", 4, "-o", path)
    assert code == 0
    assert "a red bicycle parked on a beach at sunset" in out
    assert np.asarray(Image.open(path)).shape == (32, 128, 3)
    code, out, _ = run(capsys, "judge", path)
    assert code == 0
    assert out.count("red bicycle, beach, sunset") >= 3


def test_scaled_grids_are_read_back_with_the_same_scale(tmp_path, capsys):
    path = tmp_path / "big.png"
    assert run(capsys, "world", "a blue ball in a meadow at noon", "-n", 2, "--scale", 4, "-o", path)[0] == 0
    code, out, _ = run(capsys, "judge", path, "--scale", 4)
    assert code == 0
    assert out.count("blue ball, meadow, noon") == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["world", "a red bicylce on a beach at sunset", "-o", "{out}"], "did you mean 'bicycle'"),
        (["world", "", "-o", "{out}"], "empty"),
        (["world", "a red bicycle on a beach at sunset " + "at " * 40, "-o", "{out}"], "at most"),
        (["world", "a red bicycle on a beach", "-o", "{out}"], "names no time"),
        (["world", "a red bicycle on a beach at sunset", "-o", "{tmp}/missing/dir/x.png"], "does not exist"),
        (["world", "a red bicycle on a beach at sunset", "-o", "{tmp}/x.jpg"], "only .png"),
        (["judge", "{tmp}/nothing.png"], "no such file"),
        (["judge", "{junk}"], "not a readable image"),
        (["judge", "{odd}"], "expected a grid"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_writes_nothing(tmp_path, capsys, argv, message):
    (tmp_path / "junk.png").write_bytes(b"this is not a png")
    Image.fromarray(np.zeros((30, 50, 3), np.uint8)).save(tmp_path / "odd.png")
    before = set(os.listdir(tmp_path))
    fill = {"out": tmp_path / "out.png", "tmp": tmp_path, "junk": tmp_path / "junk.png", "odd": tmp_path / "odd.png"}
    code, _, err = run(capsys, *[a.format(**fill) for a in argv])
    assert code == 2
    assert message in err
    assert set(os.listdir(tmp_path)) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["world", "a red bicycle on a beach at sunset", "-n", "-3", "-o", "x.png"],
        ["world", "a red bicycle on a beach at sunset", "-n", "100000", "-o", "x.png"],
        ["world", "a red bicycle on a beach at sunset", "-n", "many", "-o", "x.png"],
        ["sample", "--family", "transformer", "a red bicycle on a beach at sunset", "-o", "x.png"],
        ["train", "unet"],
        ["train", "gan", "--device", "tpu"],
        ["frobnicate"],
    ],
)
def test_bad_options_are_rejected_by_the_parser(tmp_path, capsys, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_unwritable_output(tmp_path, capsys):
    # /proc refuses new files even to root, unlike a chmod-ed folder
    code, _, err = run(capsys, "world", "a red bicycle on a beach at sunset", "-o", "/proc/painters-test.png")
    assert code == 2
    assert "cannot write" in err or "permission denied" in err
    assert not os.path.exists("/proc/painters-test.png")
