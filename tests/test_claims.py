"""The lesson's claims: every one is evaluated, shown where its chapter makes it, and shown with
the verdict this build measured (a retrain that flips a result flips the words)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from checkpoint_home import committed

from painters.families import registry
from painters.measure import claims, claims_diffusion, claims_gan, claims_vae, evidence
from painters.site import verdicts as pages

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {
    "gan-fastest", "gan-crisp", "gan-collapse", "gan-oscillation", "vae-blur", "vae-smooth", "vae-small",
    "diffusion-layout-first", "diffusion-slow-best", "diffusion-prompt-control", "ar-time-grows", "ar-echo",
}  # fmt: skip


def test_the_lessons_claims_are_all_records() -> None:
    assert {c.key for c in claims.CLAIMS} >= REQUIRED
    assert len({c.key for c in claims.CLAIMS}) == len(claims.CLAIMS)
    for claim in claims.CLAIMS:
        assert claim.family in registry.painters(), claim.key
        assert claim.lesson.endswith("."), claim.key
        assert claim.test, claim.key


def test_unknown_claim_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="gan-fastest"):
        claims.get("gan-slowest")


@pytest.mark.parametrize("claim", claims.CLAIMS, ids=lambda c: c.key)
def test_each_claim_is_shown_on_its_own_chapter(claim: claims.Claim) -> None:
    """Where the lesson makes it: its snippet is included by its family's page, and by no other."""
    snippet = f"snippets/claims/{claim.key.replace('-', '_')}.py"
    assert f'verdicts.render("{claim.key}")' in (ROOT / snippet).read_text()
    pages = [p.name for p in (ROOT / "docs").glob("*.md") if snippet in p.read_text()]
    assert pages == [f"{claim.family}.md"], pages


def test_the_comparison_page_gathers_every_claim() -> None:
    assert "snippets/compare/claims_table.py" in (ROOT / "docs" / "compare.md").read_text()


@pytest.fixture(scope="module")
def verdicts() -> dict[str, claims.Verdict]:
    for name, _, _ in registry.CHECKPOINTS:
        committed(name)  # a clean skip while a checkpoint is stale
    return {c.key: claims.verdict(c.key) for c in claims.CLAIMS}


def test_every_claim_evaluates_to_a_verdict_with_its_evidence(verdicts: dict[str, claims.Verdict]) -> None:
    for key, v in verdicts.items():
        assert isinstance(v.holds, bool), key
        assert re.search(r"\d", v.measured), f"{key}: the measurement names no number: {v.measured}"
        assert v.because, key


def test_render_says_the_verdict_that_was_measured(verdicts: dict[str, claims.Verdict]) -> None:
    for key, v in verdicts.items():
        html = pages.render(key)
        word = "agrees" if v.holds else "disagrees"
        assert f'data-verdict="{word}"' in html, key
        assert f"Our measurement {word}" in html, key
        assert claims.get(key).lesson.rstrip(".") in html.replace("&#x27;", "'"), key


def test_oscillation_needs_turns_and_swings_not_wiggles():
    wiggle = [1.0 + 0.01 * (i // 10 % 2) for i in range(100)]  # turns every tenth, by 1%
    means, count = claims_gan.turns([1.0] * 10 + [2.0] * 10 + [1.0] * 10 + [2.0] * 10 + [1.0] * 10, segments=5)
    assert count == 3
    assert claims_gan.swing(means) >= claims_gan.SWING
    means, count = claims_gan.turns(wiggle, segments=10)
    assert count >= claims_gan.OSCILLATING_TURNS
    assert claims_gan.swing(means) < claims_gan.SWING


def test_painters_differ_only_beyond_their_noise():
    near = {"a": evidence.Reading(0.50, 0.45, 0.55), "b": evidence.Reading(0.53, 0.48, 0.58)}
    assert evidence.best(near) == ["a", "b"]  # overlapping intervals: a tie, whatever the values
    apart = {"a": evidence.Reading(0.50, 0.45, 0.55), "b": evidence.Reading(0.70, 0.66, 0.74)}
    assert evidence.best(apart) == ["b"]
    assert evidence.worst(apart) == ["a"]
    assert evidence.best(apart, higher=False) == ["a"]  # lower is better: a Frechet distance


def test_every_comparing_verdict_states_its_trend(verdicts: dict[str, claims.Verdict]) -> None:
    for key in ("gan-crisp", "gan-collapse", "vae-blur", "diffusion-slow-best", "diffusion-prompt-control"):
        assert "&rarr;" in verdicts[key].trend, key  # three points: B/4, B/2, B
        assert re.search(r"still (rising|falling)|flat over the last doubling", verdicts[key].trend), key
        assert "Over the last two doublings of compute" in pages.render(key)


def test_no_verdict_reads_an_absolute_threshold():
    """A claim compares painters with each other or with real renders; no CRISP = 0.7 constant."""
    for module in (claims_gan, claims_vae, claims_diffusion):
        source = Path(module.__file__).read_text()
        assert not re.search(r"^(CRISP|BLURRY|COLLAPSE_MARGIN|PROMPT_MARGIN)\b", source, re.M), module
