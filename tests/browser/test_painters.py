"""The painters, live in Chromium: the built site's widgets paint, offline, lazily, and well.

Each family's page paints N prompts (PAINTERS_BROWSER_PROMPTS, default 8) through its widget;
the canvas pixels are read back and the project's judge scores them against torch's samplers
on the same prompts. Two ways:

- with torch's own random draws handed to the widget (its paint({draws}) API): the browser must
  paint torch's pictures (mean abs pixel difference <= 1/255) and so the judge's prompt match
  must agree within 0.05. Same draws make this exact: with independent noise, N = 8 prompts
  would give the difference of two prompt-match rates a standard error near 0.2, and a 0.05
  gate would fail by chance.
- with the widget's own seeded randomness, as a reader paints: its prompt match must be within
  max(0.05, three standard errors of the difference) of torch's.

The site must hold the current exports (assets/painter/painters.json, written by the build's
export.copy_into_site); without them, or without a widget on a page, these tests skip and say
why. The checkpoints and the judge are the committed ones ($PAINTERS_HOME to use others: the
mechanics were tried on tiny ones, see tests/tiny_painters.py and painter_site.assemble).
"""

from __future__ import annotations

import json
import math
import os
import re
from typing import Any

import numpy as np
import pytest
from built_site import NODE_MODULES, SCHEMES, SITE, set_scheme
from painter_site import PAGES, paint, torch_draws

INDEX = SITE / "assets" / "painter" / "painters.json"
N = int(os.environ.get("PAINTERS_BROWSER_PROMPTS", "8"))
FAMILIES = ("gan", "vae", "diffusion", "autoregressive")
FAMILY_PAGE = {family: url for url, family in PAGES.items() if family in FAMILIES}

pytestmark = pytest.mark.skipif(
    not INDEX.is_file(),
    reason=f"the built site has no in-browser painters ({INDEX} is missing): the build writes it "
    "through export.copy_into_site (mkdocs hook on_post_build); run `make site`",
)


def _prompts(n: int) -> list[str]:
    """n canonical prompts spread over the world's scenes (held-out ones included)."""
    from painters import canvas

    scenes = canvas.ALL_SCENES
    return [scenes[(i * 37 + 5) % len(scenes)].prompt for i in range(n)]


def _open(tab: Any, url: str, family: str) -> tuple[Any, Any]:
    page, record = tab(url)
    if not page.locator(f'.painter-widget[data-family="{family}"]').count():
        pytest.skip(f"no painter widget on /{url}: include docs/widgets/{PAGES[url]}.md in its page")
    return page, record


def _current_index() -> dict[str, Any]:
    """painters.json, checked against the checkpoints the torch side will load."""
    from painters.checkpoints import store

    index = json.loads(INDEX.read_text())
    for family, info in index["painters"].items():
        committed = store.read_manifest(info["name"])
        assert info["weights_sha256"] == committed.weights_sha256, (
            f"the site's {family} model is not the committed checkpoint's: rebuild the site (`make site`)"
        )
    return index


def _all_four(images: np.ndarray, prompts: list[str]) -> np.ndarray:
    """Per image: does the judge read all four of its prompt's attributes, in a scene?"""
    from painters import canvas
    from painters.measure import judge

    readings = judge.read(images)
    hits = []
    for i, prompt in enumerate(prompts):
        scene = canvas.parse_prompt(prompt)
        right = all(readings.names[name][i] == getattr(scene, name) for name in canvas.ATTRIBUTES)
        hits.append(right and readings.scene_probability[i] > 0.5)
    return np.array(hits, dtype=bool)


def _torch_pictures(family: str, prompts: list[str]) -> np.ndarray:
    from painters.checkpoints import loading
    from painters.families import registry

    model, _ = loading.load_model(family)
    painter = registry.painter(family)
    return np.stack([painter.sample_images(model, p, 1, seed=i)[0] for i, p in enumerate(prompts)])


def test_nothing_is_fetched_before_paint_and_nothing_leaves_the_site(tab):
    """The first load of a widget page requests none of the painter's JS, runtime or models;
    Paint (a real click) loads them from the site itself, single-threaded, and paints. The
    status line said beforehand how many bytes that would be: exactly the sum of the files the
    page then fetched (each once, and the models of its own families and the judge's only), and
    each caption gives the loading time and the painting time apart."""
    for url, place in PAGES.items():
        family = "all" if place == "home" else place
        page, record = _open(tab, url, family)
        site = record.url[: len(record.url) - len(url)]
        requested: list[str] = []
        page.on("request", lambda r, seen=requested: seen.append(r.url))
        before = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
        heavy = [u for u in before if "/assets/painter/" in u and not u.endswith(".css")]
        assert not heavy, f"/{url} loaded painter files before Paint: {heavy}"
        widget = f'.painter-widget[data-family="{family}"]'
        said = page.locator(f"{widget} .painter-status").text_content()
        promised = page.locator(f"{widget} .painter-cost").get_attribute("data-bytes")
        assert promised, f"/{url}: the status line names no byte count before Paint: {said!r}"
        assert f"fetches {int(promised) / 1e6:.1f} MB (" in said, said
        assert "gzipped" in said, said
        page.locator(f"{widget} button[type=submit]").click()
        page.wait_for_function(
            """family => {
                 const widget = document.querySelector(`.painter-widget[data-family="${family}"]`);
                 const panels = [...widget.querySelectorAll('.painter-panel')];
                 return panels.length && panels.every(p => p.dataset.state === 'done' || p.dataset.state === 'error');
               }""",
            arg=family, timeout=120_000,
        )  # fmt: skip
        states = page.evaluate("[...document.querySelectorAll('.painter-panel')].map(p => p.dataset.state)")
        assert set(states) == {"done"}, states
        assert any("/assets/painter/ort/" in u and u.endswith(".wasm") for u in requested), requested
        fetched = [u for u in requested if "/assets/painter/" in u]
        assert len(fetched) == len(set(fetched)), f"/{url}: a file fetched twice: {sorted(fetched)}"
        sizes = {u[len(site) :]: (SITE / u[len(site) :]).stat().st_size for u in fetched}
        assert sum(sizes.values()) == int(promised), (f"/{url}: said {promised} bytes, fetched", sizes)
        index = json.loads(INDEX.read_text())
        wanted = {*(index["painters"] if family == "all" else [family]), "judge"}
        models = {u.split("/models/")[1].split("-")[0] for u in fetched if "/models/" in u}
        assert models == wanted, f"/{url} fetched the models of {sorted(models)}"
        times = page.locator(f"{widget} .painter-time").all_text_contents()
        assert times, f"/{url}: no captions"
        assert all(re.fullmatch(r"loaded in [0-9.]+ m?s, painted in [0-9.]+ m?s", t) for t in times), times
        assert not record.foreign, record.foreign
        assert not record.failed, record.failed
        assert not record.errors, record.errors
        pixels = paint(page, family, _prompts(1)[0], 1)["panels"]
        assert all(p["pixels"].std() > 0 for p in pixels.values()), "a blank canvas"
        again = page.locator(f"{widget} .painter-time").all_text_contents()
        assert all(re.fullmatch(r"already loaded, painted in [0-9.]+ m?s", t) for t in again), again


@pytest.mark.parametrize("family", FAMILIES)
def test_the_browser_paints_torchs_pictures_and_the_judge_agrees(tab, family):
    from painters.checkpoints import loading

    _current_index()
    page, record = _open(tab, FAMILY_PAGE[family], family)
    model, _ = loading.load_model(family)
    prompts = _prompts(N)
    browser = []
    for seed, prompt in enumerate(prompts):
        out = paint(page, family, prompt, seed, draws={family: torch_draws(family, model, seed)})
        assert out["panels"][family]["state"] == "done", out["status"]
        browser.append(out["panels"][family]["pixels"])
    ours, theirs = np.stack(browser), _torch_pictures(family, prompts)
    for i, prompt in enumerate(prompts):
        difference = np.abs(ours[i].astype(int) - theirs[i].astype(int)).mean() / 255
        assert difference <= 1 / 255, f"{family}, {prompt!r}: mean abs pixel difference {difference:.4f}"
    match_browser, match_torch = _all_four(ours, prompts).mean(), _all_four(theirs, prompts).mean()
    assert abs(match_browser - match_torch) <= 0.05, (family, match_browser, match_torch)
    assert not record.errors, record.errors


@pytest.mark.parametrize("family", FAMILIES)
def test_the_readers_own_randomness_paints_as_well_as_torch(tab, family):
    page, _ = _open(tab, FAMILY_PAGE[family], family)
    prompts = _prompts(N)
    ours = np.stack([paint(page, family, p, seed)["panels"][family]["pixels"] for seed, p in enumerate(prompts)])
    p_browser, p_torch = _all_four(ours, prompts).mean(), _all_four(_torch_pictures(family, prompts), prompts).mean()
    pooled = (p_browser + p_torch) / 2
    allowed = max(0.05, 3 * math.sqrt(2 * pooled * (1 - pooled) / N))
    assert abs(p_browser - p_torch) <= allowed, (family, p_browser, p_torch, allowed)


def test_a_bad_prompt_names_the_unknown_word_as_python_does(tab):
    from painters import canvas

    page, _ = _open(tab, "", "all")
    bad = "a red bicylce on a beach at sunset"
    with pytest.raises(canvas.PromptError) as python:
        canvas.encode(bad)
    out = paint(page, "all", bad, 0)
    assert out["error"] == str(python.value)
    assert "did you mean 'bicycle'" in out["error"]
    assert page.locator("#painter-home-prompt").get_attribute("aria-invalid") == "true"
    assert out["status"] == "Nothing painted: the prompt needs a change."
    assert not any(p["ms"] is not None for p in out["panels"].values())


def test_keyboard_labels_pixels_and_both_palettes(tab):
    page, record = _open(tab, FAMILY_PAGE["gan"], "gan")
    field = page.locator("#painter-gan-prompt")
    field.fill("a green ball in the snow at noon")
    field.press("Enter")  # the form submits: Paint without a mouse
    page.wait_for_function("document.querySelector('.painter-panel')?.dataset.state === 'done'", timeout=120_000)
    canvas = page.locator(".painter-panel canvas").first
    assert canvas.get_attribute("role") == "img"
    assert "a green ball in the snow at noon" in canvas.get_attribute("aria-label")
    style = canvas.evaluate("c => [getComputedStyle(c).imageRendering, c.getBoundingClientRect().width]")
    assert style[0] == "pixelated"
    assert style[1] >= 128
    for name in ("truncation",):
        assert page.locator(f"label[for=painter-gan-{name}]").count() == 1
    if not page.locator("form[data-md-component=palette]").count():
        pytest.skip("no palette toggle on this page (not a Material page)")
    colours = {}
    for scheme in ("default", "slate"):
        background = set_scheme(page, scheme)
        colours[scheme] = (background, field.evaluate("e => getComputedStyle(e).color"))
    assert colours["default"] != colours["slate"], colours
    assert not record.errors, record.errors


# --- the lesson's experiments, played in the page ------------------------------------------------


def _wait_done(page: Any, family: str) -> None:
    page.wait_for_function(
        """family => {
             const panels = [...document.querySelectorAll(`.painter-widget[data-family="${family}"] .painter-panel`)];
             return panels.length && panels.every(p => p.dataset.state === 'done' || p.dataset.state === 'error')
               && !document.querySelector(`.painter-widget[data-family="${family}"]`).getAttribute('aria-busy');
           }""",
        arg=family, timeout=120_000,
    )  # fmt: skip


def _judge_line(page: Any, family: str) -> dict[str, Any]:
    return page.evaluate(
        """family => {
             const p = document.querySelector(`.painter-panel[data-family="${family}"] .painter-judge`);
             return {text: p.textContent, words: p.dataset.words, match: Number(p.dataset.match)};
           }""",
        family,
    )


def test_the_judge_reads_every_painting_in_the_page(tab):
    """Under each painting, the judge's reading in the prompt's own words and how sure it is of
    all four: the probability judge.match_probability gives the same pixels in Python."""
    from painters import canvas
    from painters.measure import judge

    page, record = _open(tab, "", "all")
    prompt = _prompts(1)[0]
    out = paint(page, "all", prompt, 2)
    scene = canvas.parse_prompt(prompt)
    vocabulary = {*canvas.OBJECTS, *canvas.COLOURS, *canvas.PLACES, *canvas.TIMES, "no", "object"}
    for family, panel in out["panels"].items():
        line = _judge_line(page, family)
        assert line["text"].startswith("The judge reads: "), line
        assert line["words"] == "not a scene" or set(line["words"].replace(",", "").split()) <= vocabulary, line
        assert "sure of all four words" in line["text"]
        expected = judge.match_probability(panel["pixels"][None], scene)[0]
        assert abs(line["match"] - expected) <= 1e-3, (family, line, expected)
    assert not record.errors, record.errors


def test_the_diffusion_steps_show_the_noisy_picture_and_the_clean_guess(tab):
    """Each step of the strip holds x_t and the x0 predicted from it: the first x_t is pure
    noise (rougher than any guess), and the last x_t is close to the painting."""
    from painters.measure import metrics

    page, record = _open(tab, FAMILY_PAGE["diffusion"], "diffusion")
    out = paint(page, "diffusion", _prompts(1)[0], 0, knobs={"steps": 4})
    steps = page.evaluate(
        """() => [...document.querySelectorAll('.painter-strip [data-step]')].map(item =>
             ['xt', 'x0'].map(what => {
               const c = item.querySelector('canvas.painter-' + what);
               const pixels = Array.from(c.getContext('2d').getImageData(0, 0, 32, 32).data);
               return {label: c.getAttribute('aria-label'), pixels};
             }))"""
    )
    assert len(steps) == 4
    pictures = [[np.array(c["pixels"], dtype=np.uint8).reshape(1, 32, 32, 4)[..., :3] for c in step] for step in steps]
    assert all("noisy picture x_t" in xt["label"] and "clean picture x₀" in x0["label"] for xt, x0 in steps)
    first_xt, first_x0 = pictures[0]
    assert metrics.sharpness(first_xt) > 3 * metrics.sharpness(first_x0)
    final = out["panels"]["diffusion"]["pixels"].astype(int)
    assert np.abs(pictures[-1][0][0].astype(int) - final).mean() < np.abs(first_xt[0].astype(int) - final).mean()
    assert not record.errors, record.errors


def _canvas(page: Any, family: str) -> np.ndarray:
    data = page.evaluate(
        """family => Array.from(document.querySelector(`.painter-panel[data-family="${family}"] canvas`)
             .getContext('2d').getImageData(0, 0, 32, 32).data)""",
        family,
    )
    return np.array(data, dtype=np.uint8).reshape(32, 32, 4)[..., :3].astype(int)


def _settle(page: Any, family: str) -> None:
    page.evaluate(f"document.querySelector('.painter-widget[data-family=\"{family}\"]').painter.settle()")


def _walk_to_the_end_paints_that_seed(page: Any, family: str) -> None:
    """The walk's scrubber, by keyboard, from the painted seed to another: each step repaints,
    and its end is that seed's own painting."""
    prompt = _prompts(1)[0]
    start = paint(page, family, prompt, 0)["panels"][family]["pixels"].astype(int)
    page.fill(f"#painter-{family}-to", "7")
    page.focus(f"#painter-{family}-walk")
    page.keyboard.press("End")
    _settle(page, family)
    end = _canvas(page, family)
    assert "of the way" in page.locator(f".painter-panel[data-family={family}] canvas").get_attribute("aria-label")
    assert np.abs(end - start).mean() > 1, "the walk did not move"
    seven = paint(page, family, prompt, 7)["panels"][family]["pixels"].astype(int)
    assert np.abs(end - seven).mean() <= 1, "the walk's end is not the other seed's painting"


def test_the_vae_latent_sliders_repaint_with_the_prior_marked_and_walk_between_seeds(tab):
    page, record = _open(tab, FAMILY_PAGE["vae"], "vae")
    paint(page, "vae", _prompts(1)[0], 0)
    latents = page.evaluate(
        """() => [...document.querySelectorAll('.painter-latent')].map(n => {
             const input = n.querySelector('input[type=range]');
             const pct = (s) => parseFloat(s);
             return {label: document.querySelector(`label[for="${input.id}"]`)?.textContent,
                     note: document.getElementById(input.getAttribute('aria-describedby'))?.textContent,
                     band: ['left', 'width'].map(k => pct(n.querySelector('.painter-band').style[k])),
                     mean: pct(n.querySelector('.painter-mean').style.left), value: Number(input.value),
                     min: Number(input.min), max: Number(input.max)};
           })"""
    )  # fmt: skip
    assert latents, "no latent sliders"
    for i, z in enumerate(latents):
        assert z["label"] == f"z{i + 1}"
        assert z["note"].startswith("prior ")
        low, width = z["band"]
        assert 0 <= low < z["mean"] < low + width <= 100, z
        assert z["min"] <= z["value"] <= z["max"]
    before = _canvas(page, "vae")
    page.focus("#painter-vae-z0")
    for _ in range(25):
        page.keyboard.press("ArrowRight")
    _settle(page, "vae")
    assert np.abs(_canvas(page, "vae") - before).mean() > 0.5, "moving z1 did not change the picture"
    assert "set by hand" in page.locator(".painter-panel canvas").get_attribute("aria-label")
    assert _judge_line(page, "vae")["text"].startswith("The judge reads: ")
    _walk_to_the_end_paints_that_seed(page, "vae")
    assert not record.errors, record.errors


def test_the_gan_walks_through_z_between_two_seeds(tab):
    page, record = _open(tab, FAMILY_PAGE["gan"], "gan")
    _walk_to_the_end_paints_that_seed(page, "gan")
    assert page.locator("label[for=painter-gan-walk]").count() == 1
    assert not record.errors, record.errors


def test_the_autoregressive_pace_and_a_pressed_token_repaint_the_rest(tab):
    """At a slow pace the tokens arrive one by one (the grid fills as they come); pressing a
    token in the grid forces the next code there: the tokens before it stay, the painting is
    read again by the judge, and the echo says what changed and what the judge read before."""
    page, record = _open(tab, FAMILY_PAGE["autoregressive"], "autoregressive")
    paint(page, "autoregressive", _prompts(1)[0], 0)  # mounts the widget: the knobs exist now
    page.select_option("#painter-autoregressive-pace", "2")
    page.locator(".painter-widget button[type=submit]").click()
    page.wait_for_timeout(1500)
    written = page.evaluate(
        "[...document.querySelectorAll('.painter-tokens button')].filter(b => b.textContent !== '·').length"
    )
    assert 1 <= written <= 6, f"{written} tokens written in 1.5 s at 2 a second"
    page.select_option("#painter-autoregressive-pace", "0")  # the rest as fast as it can
    _wait_done(page, "autoregressive")
    _settle(page, "autoregressive")
    grid = page.locator(".painter-tokens button")
    before = [int(t) for t in grid.all_text_contents()]
    assert len(before) == 64
    grid.nth(10).focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.painter-echo')", timeout=60_000)
    _settle(page, "autoregressive")
    after = [int(t) for t in page.locator(".painter-tokens button").all_text_contents()]
    assert after[:10] == before[:10]
    codebook = int(page.locator("#painter-autoregressive-token").get_attribute("max")) + 1
    assert after[10] == (before[10] + 1) % codebook
    echo = page.locator(".painter-echo").text_content()
    for words in ("Forced token 10", "The judge read ", "before; now "):
        assert words in echo, echo
    assert int(page.locator(".painter-echo").get_attribute("data-changed")) >= 1
    assert not record.errors, record.errors


@pytest.mark.parametrize("family", FAMILIES)
def test_every_control_is_labelled_and_fits_a_phone(tab, family):
    """At 375 px, after a painting (every knob built): nothing in the widget runs past the
    screen's edge, and every input, slider and menu has a label."""
    page, record = _open(tab, FAMILY_PAGE[family], family)
    page.set_viewport_size({"width": 375, "height": 812})
    paint(page, family, _prompts(1)[0], 0)
    _settle(page, family)
    facts = page.evaluate(
        """() => {
             const width = document.documentElement.clientWidth;
             const widget = document.querySelector('.painter-widget');
             const wide = [...widget.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > width + 1);
             const unlabelled = [...widget.querySelectorAll('input, select')]
               .filter(e => e.type !== 'hidden' && !e.labels?.length && !e.getAttribute('aria-label'));
             const name = (e) => e.tagName + '.' + e.className;
             return {wide: wide.map(name), unlabelled: unlabelled.map(e => e.id || e.name),
                     scroll: document.documentElement.scrollWidth - width};
           }"""
    )  # fmt: skip
    assert facts == {"wide": [], "unlabelled": [], "scroll": 0}, facts
    assert not record.errors, record.errors


# --- how the widget reads: contrast in every state, a refused prompt -----------------------------

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
#: axe's contrast rule on the widget only (the rest of the page is test_accessibility's).
CONTRAST = """async () => {
  const result = await axe.run(document.querySelector('.painter-widget'),
    {runOnly: ['color-contrast'], resultTypes: ['violations']});
  return result.violations.flatMap(v => v.nodes.map(n =>
    `${n.target.join(' ')}: ${(n.failureSummary || '').split('\\n').slice(1, 2).join('').trim()}`));
}"""
REFUSED = "a purple dragon in space"


def _contrast(page: Any, state: str) -> list[str]:
    """axe's color-contrast findings in the widget, in the light and the dark scheme."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
        page.add_script_tag(path=str(AXE))
    found = []
    for scheme in SCHEMES:
        page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
        found += [f"{state}, {SCHEMES[scheme]}: {finding}" for finding in page.evaluate(CONTRAST)]
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")
    return found


def _throttle(page: Any, bytes_per_second: float | None) -> None:
    """Chromium's own network throttling (DevTools), so the loading state lasts long enough to read."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "uploadThroughput": -1,
        "downloadThroughput": bytes_per_second if bytes_per_second else -1,
    })  # fmt: skip


def test_every_state_of_the_widget_reads_at_4_5_to_1_in_both_schemes(tab):
    """Idle, loading, painted and refused, light and dark: axe's color-contrast rule finds
    nothing in the widget (the error text included), and a refused prompt clears the pictures
    of the one before and says nothing was painted."""
    page, record = _open(tab, "", "all")
    widget = '.painter-widget[data-family="all"]'
    found = _contrast(page, "idle")
    promised = int(page.locator(f"{widget} .painter-cost").get_attribute("data-bytes"))
    _throttle(page, 2e6)
    page.locator(f"{widget} button[type=submit]").click()
    page.wait_for_function("document.querySelector('.painter-panel')?.dataset.state === 'loading'", timeout=60_000)
    bar = page.locator(f"{widget} .painter-load progress")
    assert bar.is_visible(), "no progress bar while loading"
    assert page.locator(f"{widget} label[for='{bar.get_attribute('id')}']").count() == 1
    part_way = "b => b.value > 0 && b.value < b.max"  # fed by the bytes received, part way there
    page.wait_for_function(f"({part_way})(document.querySelector(`{widget} .painter-load progress`))", timeout=60_000)
    assert int(bar.evaluate("b => b.max")) == promised
    found += _contrast(page, "loading")
    _throttle(page, None)
    _wait_done(page, "all")
    found += _contrast(page, "painted")
    out = paint(page, "all", REFUSED, 0)
    assert out["error"], "a refused prompt without a word of why"
    assert out["status"] == "Nothing painted: the prompt needs a change."
    for family, panel in out["panels"].items():
        assert panel["state"] == "refused", (family, panel["state"])
        assert not panel["pixels"].any(), f"{family}: the old picture is still shown"
        assert panel["ms"] is None, family
        assert "nothing painted" in panel["label"], panel["label"]
    shown = page.evaluate(
        f"[...document.querySelectorAll('{widget} .painter-judge, {widget} .painter-time')].map(e => e.textContent)"
    )
    assert not any(shown), f"the old times and readings are still shown: {shown}"
    found += _contrast(page, "refused")
    assert page.locator(f"{widget} .painter-error").is_visible()
    assert not found, "\n".join(found)
    assert not record.errors, record.errors
