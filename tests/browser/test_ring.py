"""The ring experiment on the GAN page, in Chromium: two toy GANs trained in the page.

- At 1280 px, with the keyboard only, a full run (as a reader gets it): nothing of it loads
  before Train, TF.js is fetched once from the site itself (the bytes the page's table says),
  the step and coverage labels move as it trains and end where the status line says, the R1
  run's final coverage is shown, and it says how long it took.
- At 375 px, a shortened run (the widget's data-steps attribute, which only tests set): the
  panels fit the screen and end labelled.
- Bad seeds get a message and start nothing; Stop stops, Reset clears.
- axe-core on the widget after training, and the chart's own colours against the page, in the
  light and the dark scheme. Screenshots of before, during and after go to artifacts/screenshots/ring/.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from built_site import NODE_MODULES, SCHEMES, SCREENSHOTS, SITE, set_scheme
from test_reading import contrast, luminance

PAGE = "gan/"
TFJS = SITE / "assets" / "painter" / "tfjs"
OWN_CODE = ("ring.js", "ring-train.js", "ring-worker.js", "samplers.js")
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
SHOTS = SCREENSHOTS / "ring"
SEED = 0

pytestmark = pytest.mark.skipif(
    not (SITE / "gan" / "index.html").is_file() or 'id="ring-widget"' not in (SITE / "gan" / "index.html").read_text(),
    reason="the built site has no ring widget on its GAN page: run `make site`",
)

# Every change of a panel's step or coverage label, recorded in the page as it happens.
WATCH = """() => {
  window.ringSeen = {plain: [], r1: []};
  new MutationObserver(() => {
    for (const panel of document.querySelectorAll('#ring-widget .ring-panel')) {
      const seen = window.ringSeen[panel.dataset.run];
      const step = Number(panel.querySelector('.ring-step').dataset.step);
      const coverage = panel.querySelector('.ring-coverage').dataset.coverage;
      const last = seen[seen.length - 1];
      if (coverage !== undefined && (!last || last[0] !== step)) seen.push([step, Number(coverage)]);
    }
  }).observe(document.getElementById('ring-widget'),
             {subtree: true, childList: true, characterData: true, attributes: true});
}"""

STATE = "document.getElementById('ring-widget').dataset.state"


def _open(tab, viewport: str = "desktop"):
    page, record = tab(PAGE, viewport)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.evaluate(WATCH)
    return page, record, requested


def _panels(page) -> dict[str, dict]:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#ring-widget .ring-panel')]
           .map(p => [p.dataset.run, {
             state: p.dataset.state,
             step: Number(p.querySelector('.ring-step').dataset.step),
             stepText: p.querySelector('.ring-step').textContent,
             coverage: Number(p.querySelector('.ring-coverage').dataset.coverage),
             coverageText: p.querySelector('.ring-coverage').textContent,
             label: p.querySelector('canvas').getAttribute('aria-label'),
             width: p.querySelector('canvas').getBoundingClientRect().width,
             right: p.getBoundingClientRect().right,
           }]))"""
    )


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#ring-widget").screenshot(path=str(SHOTS / f"{name}.png"), animations="disabled")


def _train(page, seed: str, steps: int | None, *, keyboard: bool = False) -> None:
    if steps is not None:
        page.evaluate(f"document.getElementById('ring-widget').dataset.steps = '{steps}'")
    field = page.locator("#ring-seed")
    field.fill(seed)
    if keyboard:
        field.focus()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Train"
        page.keyboard.press("Enter")
    else:
        page.locator("#ring-widget .ring-train").click()


def _table_kilobytes(page) -> dict[str, int]:
    """The page's table of what Train fetches: file -> kB, and 'in all'."""
    rows = page.evaluate(
        """() => {
             const table = [...document.querySelectorAll('.md-content table')]
               .find(t => t.textContent.includes('tf-core.min.js'));
             return [...table.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.textContent.trim()));
           }"""
    )
    return {
        row[0] if not row[0].startswith("in all") else "in all": int(row[1].removesuffix(" kB").replace(",", ""))
        for row in rows
    }


def test_a_full_run_at_1280_px_by_keyboard(tab):
    page, record, requested = _open(tab, "desktop")
    before = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not [u for u in before if "/tfjs/" in u or ("/ring" in u.rsplit("/", 1)[-1] and u.endswith(".js"))], before
    page.locator("#ring-widget").scroll_into_view_if_needed()
    _shot(page, "desktop-light-before")
    # Labelled and reachable: the seed has a label, the form a name, the status is announced.
    assert page.locator("label[for=ring-seed]").inner_text() == "Seed"
    assert page.locator("#ring-widget form").get_attribute("aria-label")
    assert page.locator("#ring-widget .ring-status").get_attribute("role") == "status"
    _train(page, str(SEED), None, keyboard=True)
    page.wait_for_function(
        f"{STATE} === 'training' && document.querySelector('.ring-step')?.dataset.step > 400", timeout=300_000
    )
    _shot(page, "desktop-light-during")
    # Train, pressed and disabled, handed the keyboard's focus to Stop.
    assert page.evaluate("document.activeElement.classList.contains('ring-stop')")
    page.wait_for_function(f"['done', 'error'].includes({STATE})", timeout=600_000)
    _shot(page, "desktop-light-after")
    assert page.evaluate(STATE) == "done", page.locator(".ring-status").inner_text()
    assert page.evaluate("document.activeElement.textContent") == "Train"  # Stop, disabled, handed it back
    panels = _panels(page)
    status = page.locator("#ring-widget .ring-status").inner_text()
    seen = page.evaluate("window.ringSeen")
    total = 2000
    for run, panel in panels.items():
        assert panel["state"] == "done"
        assert panel["step"] == total, panel
        assert panel["stepText"] == f"step {total:,} of {total:,}"
        assert panel["coverageText"] == f"covers {panel['coverage']} of 8 blobs"
        assert f"cover {panel['coverage']} of the 8 blobs" in panel["label"]
        steps = [step for step, _ in seen[run]]
        assert steps == sorted(steps), steps
        assert (steps[0], steps[-1]) == (0, total), steps
        assert len(steps) >= total // 50, f"{run}: only {len(steps)} pictures in {total} steps"
    # The coverage shown moves as it trains (it starts at 0: nothing is on the ring at step 0).
    assert seen["r1"][0][1] == 0
    assert len({c for _, c in seen["r1"]}) > 1, seen["r1"]
    # The status says what the panels say, and how long it took here.
    assert f"the plain GAN covers {panels['plain']['coverage']} of 8 blobs" in status
    assert f"the GAN with R1 covers {panels['r1']['coverage']}" in status
    assert re.search(r"^Done: 2,000 steps for each run took \d+(\.\d)? s here, in this browser", status), status
    # TF.js: fetched once each, from the site, the bytes the build copied, which the table shows.
    files = {p.name: p.stat().st_size for p in TFJS.iterdir()}
    assert sorted(files) == ["tf-backend-wasm.min.js", "tf-core.min.js", "tfjs-backend-wasm-simd.wasm"]
    for name in files:
        assert sum(u.endswith(f"/tfjs/{name}") for u in requested) == 1, (name, requested)
    assert int(page.evaluate("document.getElementById('ring-widget').dataset.fetched")) == sum(files.values())
    table = _table_kilobytes(page)
    own = {name: (SITE / "assets" / "painter" / name).stat().st_size for name in OWN_CODE}
    for name, size in {**files, **own}.items():
        assert table[name] == round(size / 1000), (name, table)
    assert table["in all"] == round((sum(files.values()) + sum(own.values())) / 1000)
    assert not [u for u in requested if "/assets/painter/" in u and Path(u).name not in {*files, *own}], requested
    assert not record.foreign, record.foreign
    assert not record.failed, record.failed
    assert not record.errors, record.errors
    set_scheme(page, "slate")
    page.locator("#ring-widget").scroll_into_view_if_needed()
    _shot(page, "desktop-dark-after")


def test_a_short_run_at_375_px(tab):
    page, record, _ = _open(tab, "phone")
    page.locator("#ring-widget").scroll_into_view_if_needed()
    _shot(page, "phone-before")
    _train(page, "7", 300)
    page.wait_for_function(
        f"{STATE} === 'training' && document.querySelector('.ring-step')?.dataset.step > 0", timeout=120_000
    )
    _shot(page, "phone-during")
    page.wait_for_function(f"['done', 'error'].includes({STATE})", timeout=300_000)
    page.locator("#ring-widget").scroll_into_view_if_needed()
    _shot(page, "phone-after")
    assert page.evaluate(STATE) == "done", page.locator(".ring-status").inner_text()
    width = page.evaluate("document.documentElement.clientWidth")
    for run, panel in _panels(page).items():
        assert panel["step"] == 300
        assert panel["stepText"] == "step 300 of 300"
        assert panel["coverageText"] == f"covers {panel['coverage']} of 8 blobs"
        assert panel["right"] <= width, f"{run} panel runs off a {width} px screen"
        assert panel["width"] >= 200, panel
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not record.foreign, record.foreign
    assert not record.errors, record.errors


@pytest.mark.parametrize("seed", ["", "1.5", "-3", "abc", "1e3", "1000000", "99999999999999999999"])
def test_a_bad_seed_gets_a_message_and_starts_nothing(tab, seed):
    page, record, requested = _open(tab, "desktop")
    _train(page, seed, None)
    error = page.locator("#ring-error")
    error.wait_for(state="visible")
    text = error.inner_text()
    assert text.startswith("The seed must be a whole number from 0 to 999999"), text
    assert error.get_attribute("role") == "alert"
    assert page.locator("#ring-seed").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.activeElement.id") == "ring-seed"
    assert page.evaluate(STATE) == "idle"
    assert not [u for u in requested if "/tfjs/" in u], requested
    assert not page.locator("#ring-widget .ring-panel").count()
    assert not record.errors, record.errors


def _pixels(page) -> list[str]:
    """Each chart's pixels, as a hash (FNV-1a over the RGBA bytes) and a count of drawn ones."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#ring-widget canvas')].map(c => {
             const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             let h = 0x811c9dc5, drawn = 0;
             for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 16777619) >>> 0;
             for (let i = 3; i < data.length; i += 4) drawn += data[i] > 0;
             return `${h.toString(16)} (${drawn} pixels drawn)`;
           })"""
    )


def test_a_seed_gives_the_same_run_again(tab):
    """Same seed, same pictures to the pixel (both runs, at the end); another seed, others."""
    page, record, _ = _open(tab, "desktop")
    pictures = []
    for seed in ("5", "5", "6"):
        _train(page, seed, 100)
        page.wait_for_function(f"{STATE} === 'done'", timeout=120_000)
        pictures.append(_pixels(page))
    assert pictures[0] == pictures[1]
    assert pictures[0][0] != pictures[2][0]
    assert pictures[0][1] != pictures[2][1]
    assert not record.errors, record.errors


def test_stop_stops_and_reset_clears(tab):
    page, record, _ = _open(tab, "desktop")
    _train(page, "3", None)
    page.wait_for_function("document.querySelector('.ring-step')?.dataset.step >= 50", timeout=120_000)
    page.locator("#ring-widget .ring-stop").click()
    assert page.evaluate(STATE) == "stopped"
    steps = [p["step"] for p in _panels(page).values()]
    page.wait_for_timeout(1500)
    assert [p["step"] for p in _panels(page).values()] == steps, "training went on after Stop"
    assert page.locator("#ring-widget .ring-status").inner_text().startswith("Stopped at step")
    assert page.locator("#ring-widget .ring-train").is_enabled()
    page.locator("#ring-widget .ring-reset").click()
    assert page.evaluate(STATE) == "idle"
    assert not page.locator("#ring-widget .ring-panel").count()
    assert page.locator("#ring-widget .ring-status").inner_text().startswith("Press Train")
    assert not record.errors, record.errors


# axe on the widget as it stands after a run, and the chart's colours against the page:
# text (the blob numbers) 4.5:1, marks (the generator's points, a covered blob's circle) 3:1.
@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_axe_and_contrast_in_both_schemes(tab, scheme):
    page, record, _ = _open(tab, "desktop")
    _train(page, "1", 50)
    page.wait_for_function(f"{STATE} === 'done'", timeout=120_000)
    background = set_scheme(page, scheme)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run('#ring-widget', {resultTypes: ['violations']})).violations"
        ".map(v => `${v.impact} ${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"
    )
    assert not violations, violations
    colours = page.evaluate(
        """() => { const s = getComputedStyle(document.getElementById('ring-widget'));
                   return Object.fromEntries(['--ring-label', '--ring-fake', '--ring-covered', '--ring-error']
                     .map(n => [n, s.getPropertyValue(n).trim()])); }"""
    )
    rgb = lambda css: np.array([int(css[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)  # noqa: E731
    page_rgb = np.array([float(x) for x in re.findall(r"[\d.]+", background)[:3]])
    for name, needed in (("--ring-label", 4.5), ("--ring-error", 4.5), ("--ring-fake", 3), ("--ring-covered", 3)):
        ratio = contrast(luminance(rgb(colours[name])), luminance(page_rgb))
        assert ratio >= needed, f"{SCHEMES[scheme]}: {name} {colours[name]} on {background}: {ratio:.1f}:1 < {needed}:1"
    _shot(page, f"axe-{SCHEMES[scheme]}")
    assert not record.errors, record.errors
