"""The family registry and its contract; a fifth family is one file and one entry.

A tiny fake painter (tests/support.py) is registered as `painters.fake`, and the training
command, the store, the loader, the checkpoint check, the measurements and the command line
pick it up without a change to their code.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil

import numpy as np
import pytest
import torch
from support import install_family

from painters import __main__ as cli
from painters import canvas
from painters.checkpoints import loading, store
from painters.core import paths
from painters.families import registry
from painters.training import run as training

PROMPT = canvas.SHARED_PROMPT

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def choices(parser, command: str, dest: str) -> tuple[str, ...]:
    """The choices the command line offers for one argument of one subcommand."""
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return tuple(next(a for a in sub._actions if a.dest == dest).choices)


def train_fake(name: str = "fake", **kwargs) -> store.Manifest:
    overrides = kwargs.pop("overrides", {"steps": 2})
    return training.train_and_save("fake", name=name, overrides=overrides, progress=False, **kwargs)


# --- the registry -----------------------------------------------------------------------------


def test_the_registry_lists_the_four_painters_and_the_judge():
    assert registry.painters() == ("gan", "vae", "diffusion", "autoregressive")
    assert tuple(registry.FAMILIES) == ("gan", "vae", "diffusion", "autoregressive", "judge")
    assert registry.get("vae").module_name == "painters.families.vae"
    for name in registry.FAMILIES:
        registry.module(name)  # every family keeps the contract
    with pytest.raises(ValueError, match="unknown family 'unicorn'; choose one of: gan, vae"):
        registry.get("unicorn")
    with pytest.raises(ValueError, match="'judge' does not paint; choose one of: gan, vae"):
        registry.painter("judge")
    assert {family for _, family, _ in registry.CHECKPOINTS} == set(registry.FAMILIES)


def test_every_committed_checkpoint_is_named_after_its_family():
    for name, family, overrides in registry.CHECKPOINTS:
        assert registry.family_of(name) == family
        registry.config_of(family, overrides)  # its settings are the family's own


def test_family_of_reads_the_name_and_refuses_an_unsafe_one():
    assert registry.family_of("vae-beta4") == "vae"
    assert registry.family_of("diffusion") == "diffusion"
    assert registry.family_of("zebra-1") == "zebra"  # no family: refused when loaded (below)
    with pytest.raises(ValueError, match="checkpoint name"):
        registry.family_of("../vae")


def test_config_of_types_every_setting_and_refuses_unknown_or_mistyped_ones():
    config = registry.config_of("vae", {"beta": 4, "steps": 10})
    assert config.beta == 4.0
    assert isinstance(config.beta, float)  # JSON's 4 is the float setting 4.0
    assert config.steps == 10
    assert registry.config_of("gan", {"betas": [0.5, 0.9]}).betas == (0.5, 0.9)  # JSON lists are tuples
    assert registry.config_of("vae", {}) == registry.module("vae").Config()
    with pytest.raises(ValueError, match="vae has no setting depth, wings; its settings: latent_dim, width"):
        registry.config_of("vae", {"wings": 2, "depth": 3})
    for key, value in (("steps", "10"), ("steps", 2.5), ("steps", True), ("beta", "x"), ("beta", None)):
        with pytest.raises(ValueError, match=f"vae setting {key}="):
            registry.config_of("vae", {key: value})
    with pytest.raises(ValueError, match=r"expected a list of 2 numbers, like \[0.0, 0.9\]"):
        registry.config_of("gan", {"betas": 0.5})


def test_every_setting_of_every_family_has_a_range_its_defaults_keep():
    # The rules (registry.RULES, and the generic ones from each field's type) must let every
    # committed configuration through: the defaults, the tests' tiny ones, the committed overrides.
    for name in registry.FAMILIES:
        config = registry.module(name).Config
        registry.config_of(name, dataclasses.asdict(config()))
        registry.config_of(name, dataclasses.asdict(config.tiny()))
    for _, family, overrides in registry.CHECKPOINTS:
        registry.config_of(family, overrides)
    assert set(registry.RULES) <= {
        f.name for n in registry.FAMILIES for f in dataclasses.fields(registry.module(n).Config)
    }


@pytest.mark.parametrize(
    ("family", "values", "words"),
    [
        (
            "gan",
            {"batch": 0},
            "gan setting batch=0 is out of range: use a whole number from 1 to 4096 (the default is 16)",
        ),
        ("gan", {"r1_every": 0}, "r1_every=0 is out of range: use a whole number from 1 to 10000"),
        ("gan", {"z_dim": -1}, "z_dim=-1 is out of range"),
        ("gan", {"lr": float("inf")}, "lr=inf is not a finite number: use a number above 0 and at most 1"),
        ("gan", {"lr": float("nan")}, "lr=nan is not a finite number"),
        ("gan", {"lr": 10**400}, "lr=100000000000000000000000...(401 characters) is out of range"),
        ("gan", {"ema": 2}, "ema=2.0 is out of range: use a number at least 0 and below 1 (the default is 0.999)"),
        ("gan", {"betas": [0.5, 1.0]}, "betas=[0.5, 1.0] is out of range: use 2 numbers, each at least 0 and below 1"),
        ("gan", {"betas": [0.0, "x"]}, "betas=[0.0, 'x']: expected a list of 2 numbers"),
        ("vae", {"beta": -1}, "vae setting beta=-1.0 is out of range: use a number from 0 to 1000000"),
        ("vae", {"steps": 10**30}, "steps=1000000000000000000000000000000 is out of range"),
        (
            "diffusion",
            {"timesteps": 10},
            "sample_steps=20 is out of range: use a whole number from 1 to timesteps (10 here)",
        ),
        ("judge", {"negatives": -1}, "negatives=-1 is out of range: use a whole number from 0 to 4096"),
    ],
)
def test_config_of_refuses_a_value_out_of_its_range_naming_the_range(family, values, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        registry.config_of(family, values)


def test_a_fifth_family_gets_ranges_from_its_field_types(fake_family):
    # the fake family's settings are in no rule: whole numbers count (at least 1), numbers are finite
    assert registry.config_of("fake", {"passes": 3}).passes == 3
    with pytest.raises(ValueError, match="fake setting passes=0 is out of range: use a whole number from 1"):
        registry.config_of("fake", {"passes": 0})
    with pytest.raises(ValueError, match="fake setting lr=inf is not a finite number"):
        registry.config_of("fake", {"lr": float("inf")})


def test_retrain_command_names_every_setting_that_is_not_the_default():
    assert loading.retrain_command("vae") == "python -m painters train vae"
    for name, family, overrides in registry.CHECKPOINTS:  # a committed one: with its committed settings
        sets = "".join(f" --set {k}={json.dumps(v)}" for k, v in sorted(overrides.items()))
        assert (
            loading.retrain_command(name)
            == f"python -m painters train {family}" + (f" --name {name}" if name != family else "") + sets
        )
    assert "--set beta=4.0" in loading.retrain_command("vae-beta4")
    config = dataclasses.asdict(registry.module("vae").Config(beta=2.0, steps=7))
    manifest = store.Manifest(
        name="vae-mine", family="vae", config=json.loads(json.dumps(config)), fingerprint={},
        seed=0, steps=7, wall_seconds=1.0, hardware="", device="cpu", torch_version="",
    )  # fmt: skip
    assert loading.retrain_command("vae-mine", manifest) == (
        "python -m painters train vae --name vae-mine --set beta=2.0 --set steps=7"
    )
    gan_config = json.loads(json.dumps(dataclasses.asdict(registry.module("gan").Config())))  # betas as a list
    gan = dataclasses.replace(manifest, name="gan-x", family="gan", config=gan_config)
    assert loading.retrain_command("gan-x", gan) == "python -m painters train gan --name gan-x"


def test_a_module_missing_part_of_the_contract_is_refused_naming_it(tmp_path, monkeypatch):
    source = "from dataclasses import dataclass\n\n@dataclass\nclass Config:\n    steps: int = 1\n"
    install_family(monkeypatch, tmp_path, "broken", source + "\ndef build(c): ...\ndef train(c, **k): ...\n")
    with pytest.raises(
        TypeError,
        match=r"painters.families.broken does not keep the family contract: missing \['probe', 'sample_images', "
        r"'network_passes', 'Config.tiny'\]",
    ):
        registry.module("broken")
    tiny = "\n    @classmethod\n    def tiny(cls):\n        return cls()\n"
    install_family(monkeypatch, tmp_path, "broken", source + tiny + "\ndef build(c): ...\ndef train(c, **k): ...\n")
    with pytest.raises(TypeError, match=r"missing \['probe', 'sample_images', 'network_passes'\]"):
        registry.module("broken")
    with pytest.raises(TypeError, match="missing"):
        registry.painter("broken")
    install_family(monkeypatch, tmp_path, "broken", source + tiny + "\nbuild = 3\ndef train(c, **k): ...\n"
                   "def probe(m): ...\n", paints=False)  # fmt: skip
    with pytest.raises(TypeError, match=r"missing \['build'\]"):
        registry.module("broken")
    with pytest.raises(TypeError, match="missing"):
        training.train_and_save("broken", directory=tmp_path, progress=False)


# --- a fifth family ---------------------------------------------------------------------------


def test_a_fifth_family_is_a_painter(fake_family):
    assert registry.painters() == ("gan", "vae", "diffusion", "autoregressive", "fake")
    assert registry.painter("fake") is fake_family
    assert registry.get("fake").module_name == "painters.families.fake"


def test_the_command_line_offers_a_fifth_family(fake_family):
    parser = cli.build_parser()
    assert "fake" in choices(parser, "sample", "family")
    assert "fake" in choices(parser, "train", "family")
    assert set(choices(parser, "sample", "family")) == set(registry.painters())
    assert "judge" not in choices(parser, "sample", "family")


def test_a_fifth_family_is_trained_measured_saved_and_loaded(fake_family, small_protocol, home):
    fake_family.CALLS.clear()
    manifest = train_fake()
    # measured on the (cut-down) whole world, by painting through its own sampler
    assert set(manifest.metrics) == {"trained", "held_out"}
    assert manifest.metrics["trained"]["pictures"] == 8
    assert manifest.metrics["held_out"]["pictures"] == 4
    assert len(fake_family.CALLS) == 2  # one call per group (each fits one chunk)
    assert sum(n for _, n, _, _ in fake_family.CALLS) == 12
    assert set(manifest.fingerprint) == {"colour"}  # what the fake's probe computes
    assert store.names(home) == ["fake"]
    model, loaded = loading.load_model("fake")
    assert loaded == manifest
    assert isinstance(model, fake_family.Model)
    assert not model.training
    weights, _ = store.load_checkpoint("fake", home, fix=str)
    for key, value in model.state_dict().items():
        assert torch.equal(value, weights[key]), key
    images = fake_family.sample_images(model, PROMPT, 3, seed=1)
    assert images.shape == (3, 32, 32, 3)


def test_network_passes_asks_the_family(fake_family, monkeypatch):
    monkeypatch.setattr("painters.training.run.measure_model", lambda family, model: {})
    train_fake()
    assert loading.network_passes("fake") == 7  # the fake's own answer from its own config
    train_fake("fake-quick", overrides={"steps": 2, "passes": 3})
    assert loading.network_passes("fake-quick") == 3
    assert loading.retrain_command("fake-quick", store.read_manifest("fake-quick")) == (
        "python -m painters train fake --name fake-quick --set passes=3 --set steps=2"
    )


def test_check_all_loads_a_fifth_familys_checkpoints_and_reports_the_rest(fake_family, home, monkeypatch):
    monkeypatch.setattr("painters.training.run.measure_model", lambda family, model: {})
    train_fake()
    train_fake("fake-b")
    (home / "fake-b.json").write_text("{}")
    results = {name: (manifest, problem) for name, manifest, problem in loading.check_all(home)}
    assert set(results) == {"fake", "fake-b"} | {name for name, _, _ in registry.CHECKPOINTS}
    assert results["fake"][1] == ""
    assert results["fake"][0].family == "fake"
    assert results["fake-b"][0] is None
    assert "unreadable" in results["fake-b"][1]
    assert "python -m painters train fake --name fake-b" in results["fake-b"][1]
    assert "no checkpoint 'gan'" in results["gan"][1]  # committed names missing from this folder


# --- what the loader refuses ------------------------------------------------------------------


def test_a_checkpoint_of_no_family_is_refused(home):
    with pytest.raises(store.CheckpointError, match="'zebra' belongs to no family"):
        loading.load_model("zebra")


def test_a_checkpoint_holding_another_familys_model_is_refused(fake_family, home, monkeypatch):
    monkeypatch.setattr("painters.training.run.measure_model", lambda family, model: {})
    train_fake()
    for suffix in (".json", ".safetensors"):
        shutil.copyfile(home / f"fake{suffix}", home / f"vae-odd{suffix}")
    manifest = json.loads((home / "vae-odd.json").read_text())
    (home / "vae-odd.json").write_text(json.dumps({**manifest, "name": "vae-odd"}))
    with pytest.raises(store.CheckpointError, match="'vae-odd' holds a 'fake' model, not a 'vae' one"):
        loading.load_model("vae-odd")


def test_a_manifest_naming_an_unknown_family_is_refused(fake_family, home, monkeypatch):
    monkeypatch.setattr("painters.training.run.measure_model", lambda family, model: {})
    train_fake()
    manifest = json.loads((home / "fake.json").read_text())
    (home / "fake.json").write_text(json.dumps({**manifest, "family": "zebra"}))
    with pytest.raises(store.CheckpointError, match="unknown family 'zebra' in its manifest"):
        loading.load_model("fake")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"width": 6}, "size mismatch for embed.weight"),  # weights of another shape
        ({"steps": 3}, None),  # a setting that does not shape the weights: loads
    ],
)
def test_weights_that_do_not_fit_the_model_are_refused(fake_family, home, monkeypatch, change, message):
    monkeypatch.setattr("painters.training.run.measure_model", lambda family, model: {})
    train_fake()
    path = home / "fake.json"
    manifest = json.loads(path.read_text())
    manifest["config"].update(change)  # only the shapes disagree
    path.write_text(json.dumps(manifest))
    if message is None:
        loading.load_model("fake")
        return
    with pytest.raises(store.CheckpointError, match=f"does not fit its model.*{message}.*train fake --set"):
        loading.load_model("fake")


def test_weights_with_missing_keys_are_refused(fake_family, home, monkeypatch):
    monkeypatch.setattr("painters.training.run.measure_model", lambda family, model: {})
    train_fake()
    weights, manifest = store.load_checkpoint("fake", home, fix=str)
    weights.pop("out.bias")
    store.save_checkpoint(manifest, weights, None, home)
    with pytest.raises(store.CheckpointError, match=r"does not fit its model.*Missing key\(s\).*out.bias"):
        loading.load_model("fake")


def test_a_changed_checkpoint_is_loaded_and_checked_afresh(fake_family, home, monkeypatch):
    monkeypatch.setattr("painters.training.run.measure_model", lambda family, model: {})
    train_fake()
    loading.load_model("fake")
    path = home / "fake.safetensors"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(store.CheckpointError, match="corrupt"):
        loading.load_model("fake")


# --- the committed checkpoints ----------------------------------------------------------------


def test_committed_checkpoints_are_all_current():
    """Fails while any committed checkpoint is stale or broken: `make checkpoints` retrains them."""
    problems = {name: problem for name, _, problem in loading.check_all() if problem}
    assert problems == {}, "\n".join(f"{name}: {problem}" for name, problem in problems.items())


def test_committed_manifests_record_what_made_them():
    for name, family, overrides in registry.CHECKPOINTS:
        manifest = store.read_manifest(name)
        assert manifest.family == family
        config = registry.config_of(family, manifest.config)
        for key, value in overrides.items():
            assert getattr(config, key) == value, (name, key)
        assert np.isfinite(manifest.wall_seconds)
        assert manifest.weights_sha256 == store.file_sha256(paths.CHECKPOINTS_DIR / f"{name}.safetensors")


def test_committed_painters_were_measured_on_the_protocol():
    """Every painter's manifest was measured with the protocol the pages use (metrics.groups), with
    the same metrics and intervals the pages compute."""
    from painters.measure import metrics

    for name, family, _ in registry.CHECKPOINTS:
        if not registry.get(family).paints:
            continue
        recorded = store.read_manifest(name).metrics
        for group, (scenes, n) in metrics.groups().items():
            m = recorded[group]
            assert (m["scenes"], m["pictures"]) == (len(scenes), len(scenes) * n), (name, group)
            assert set(m) == set(metrics.Measurement.__dataclass_fields__), (name, group)
