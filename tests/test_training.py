"""The shared fit loop: determinism, devices, the family registry."""

import pytest
import torch

from painters import judge, store, training


def _tiny_judge(tmp_path, name):
    overrides = {"width": 8, "features": 16, "steps": 6, "batch": 8, "negatives": 4}
    overrides |= {"real_images": 64, "empty_images": 8}
    return training.train_and_save("judge", name=name, overrides=overrides, directory=tmp_path, progress=False)


def test_same_seed_gives_the_same_weights(tmp_path, monkeypatch):
    monkeypatch.setattr(judge, "evaluate", lambda model: {})
    a = _tiny_judge(tmp_path, "judge-a")
    b = _tiny_judge(tmp_path, "judge-b")
    wa, _ = store.load_checkpoint("judge-a", tmp_path)
    wb, _ = store.load_checkpoint("judge-b", tmp_path)
    assert wa.keys() == wb.keys()
    for key in wa:
        assert torch.equal(wa[key], wb[key]), key
    assert a.source_hash == b.source_hash
    assert all(torch.isfinite(v).all() for v in wa.values())
    history = store.load_history("judge-a", tmp_path)
    assert len(history["loss"]) == len(history["step"]) >= 1


def test_asking_for_a_missing_gpu_is_an_error():
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ValueError, match="no CUDA GPU"):
        training.resolve_device("cuda")
    with pytest.raises(ValueError, match="use 'cpu' or 'cuda'"):
        training.resolve_device("tpu")


def test_unknown_family_lists_the_known_ones():
    with pytest.raises(ValueError, match="gan, vae, diffusion, autoregressive"):
        training.family_module("transformer")


def test_the_shared_reference_gives_exactly_judge_measure():
    # measure_family shares one set of reference renders between painters; the numbers must be
    # the ones judge.measure (which draws its own) gives, or a page would quote a different metric.
    from painters import world

    scenes = tuple(world.HELD_OUT[:2])

    def noisy(prompt: str, n: int, seed: int):
        return world.render_prompt(prompt, n, seed=seed + 7)

    assert training.measure_against_reference(noisy, scenes, n=8) == judge.measure(noisy, scenes, n=8)
    shared = training.reference_renders(scenes, 8)
    shared[0][:] = 0  # a page that scribbles on its copy
    assert training.reference_renders(scenes, 8)[0].any()  # does not change the next page's
