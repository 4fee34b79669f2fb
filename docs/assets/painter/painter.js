// The painters, live in the reader's browser: the widget behind docs/widgets/*.md.
//
// The page carries only the widget's form and a few lines of inline script; this module, the
// runtime (onnxruntime-web, from the site's own assets/painter/ort/) and the models load on the
// first Paint. One WebAssembly thread: GitHub Pages sends no cross-origin isolation headers, so
// threads (SharedArrayBuffer) are not available there anyway.
//
// mount(widget, base) -> {paint()}: `widget` is the .painter-widget element, `base` the URL of
// assets/painter/. Each painted panel gets data-state="done" (or "error") and the widget fires a
// `painter:done` event with {family, ms, prompt, seed}: the browser tests and the benchmark wait
// on these and read the canvas pixels back.
//
// Every picture shown (a painting, a latent moved, a token forced) is read by the project's
// judge, exported beside the painters: the line under it says what the judge reads and how sure
// it is that the picture is the prompt (all four words at once; samplers.js judgeRead).

import { PromptError, PromptReader } from './prompt.js';
import {
  ReplayRandom, SeededRandom, arDecode, describeReading, ganGenerate, judgeRead, makeRunner, paintAutoregressive, paintDiffusion, paintGan, paintVae,
  slerp, toPixels, toRGBA, vaeDecode, vaeLatent,
} from './samplers.js';

const FAMILIES = ['gan', 'vae', 'diffusion', 'autoregressive'];
const MAX_LATENT_SLIDERS = 16; // a VAE with a longer latent shows its first ones
const LABELS = { gan: 'GAN', vae: 'VAE', diffusion: 'Diffusion', autoregressive: 'Autoregressive' };
const NOTES = {
  gan: 'one pass of the generator',
  vae: 'a draw from the prompt’s prior, one pass of the decoder',
  diffusion: 'each step: the noisy picture x_t the denoiser is given (top) and the clean picture x₀ it predicts from it (below): layout early, texture late',
  autoregressive: 'tokens written one by one, each a 4×4 patch, in reading order',
};

let shared = null;
let judge = null;
const runners = {};

// --- loading, counted in bytes ---------------------------------------------------------------
// Every byte of the first Paint is counted as it arrives, for the progress bar: the runtime's
// wasm, painters.json and the models are fetched here and streamed (the wasm handed to
// onnxruntime-web as env.wasm.wasmBinary, each model as bytes); the ES modules (this one, its
// imports, onnxruntime-web's two) come by import(), counted from the browser's resource timing
// once they have arrived. The total to reach is the build's count (bundle.first_paint), in the
// status line's data-bytes.
const meters = new Set(); // (bytes received so far) => void, one per widget loading
let received = 0;
const counted = new Set();
const tell = () => meters.forEach((m) => m(received));
function count(n) {
  received += n;
  tell();
}
function countModules(base) {
  for (const e of performance.getEntriesByType('resource')) {
    if (e.name.startsWith(base) && /\.m?js$/.test(new URL(e.name).pathname) && !counted.has(e.name)) {
      counted.add(e.name);
      count(e.decodedBodySize || 0);
    }
  }
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${new URL(url).pathname.split('/').pop()}: HTTP ${response.status}`);
  if (!response.body?.getReader) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    count(bytes.length);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    count(value.length);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

// One WebAssembly thread: sessions are made one after another (their files come in parallel).
let making = Promise.resolve();
function session(ort, bytes) {
  const made = making.then(() => ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }));
  making = made.catch(() => {});
  return made;
}

function loadShared(base) {
  shared ||= (async () => {
    countModules(base);
    const [ort, wasm, json] = await Promise.all([
      import(new URL('ort/ort.wasm.min.mjs', base).href),
      fetchBytes(new URL('ort/ort-wasm-simd-threaded.wasm', base).href),
      fetchBytes(new URL('painters.json', base).href),
    ]);
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmPaths = new URL('ort/', base).href;
    ort.env.wasm.wasmBinary = wasm;
    const index = JSON.parse(new TextDecoder().decode(json));
    countModules(base);
    return { ort, index, reader: new PromptReader(index.prompt_rules) };
  })();
  shared.catch(() => (shared = null));
  return shared;
}

// A painter's (or the judge's) sessions, its files fetched together.
async function sessions(ort, info, base) {
  const names = Object.keys(info.graphs);
  const files = await Promise.all(names.map((name) => fetchBytes(new URL(`${info.folder}/${info.graphs[name].file}`, base).href)));
  const out = {};
  for (const [i, name] of names.entries()) out[name] = await session(ort, files[i]);
  countModules(base); // onnxruntime-web's loader, imported with the first session
  return out;
}

function loadPainter(family, base) {
  runners[family] ||= (async () => {
    const { ort, index } = await loadShared(base);
    const info = index.painters[family];
    if (!info) throw new Error(`no ${LABELS[family]} painter in this build`);
    return { runner: makeRunner(ort, await sessions(ort, info, base)), settings: info.settings, info };
  })();
  runners[family].catch(() => delete runners[family]);
  return runners[family];
}

// The judge's graph (null where the build has none: the pictures are then shown unread).
function loadJudge(base) {
  judge ||= (async () => {
    const { ort, index } = await loadShared(base);
    const info = index.judge;
    if (!info) return null;
    return { runner: makeRunner(ort, await sessions(ort, info, base)), settings: info.settings };
  })();
  judge.catch(() => (judge = null));
  return judge;
}

const percent = (p) => (p >= 0.995 ? '>99%' : p < 0.005 ? '<1%' : `${Math.round(100 * p)}%`);

const megabytes = (info) => (Object.values(info.graphs).reduce((s, g) => s + g.bytes, 0) / 1e6).toFixed(1);
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`);

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (k === 'text') node.textContent = v;
    else if (v !== false && v != null) node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...children);
  return node;
}

function draw(canvas, chw) {
  const rgba = toRGBA(toPixels(chw));
  canvas.getContext('2d').putImageData(new ImageData(rgba, 32, 32), 0, 0);
}

const nextFrame = () => new Promise((ok) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => ok()) : setTimeout(ok, 0)));

let uid = 0;

// A labelled range input with its value shown beside it.
function slider(id, label, { min, max, step, value }) {
  const input = el('input', { id, type: 'range', min, max, step, value: String(value) });
  const output = el('output', { for: id, text: String(value) });
  input.addEventListener('input', () => (output.textContent = input.value));
  return { input, node: el('div', { class: 'painter-knob' }, el('label', { for: id, text: label }), input, output) };
}

function setKnob(knob, x) {
  knob.input.value = String(x);
  const output = knob.node.querySelector('output');
  if (output) output.textContent = knob.input.value;
}

// The autoregressive painter's pace: tokens a second (0: as fast as it can).
const PACES = [[0, 'as fast as it can'], [8, '8 tokens a second'], [2, '2 tokens a second']];

function choice(id, label, options) {
  const input = el('select', { id }, ...options.map(([v, text]) => el('option', { value: String(v), text })));
  return { input, node: el('div', { class: 'painter-knob' }, el('label', { for: id, text: label }), input) };
}

function number(id, label, { min, max, value }) {
  const input = el('input', { id, type: 'number', min, max, step: 1, value: String(value) });
  return { input, node: el('div', { class: 'painter-knob' }, el('label', { for: id, text: label }), input) };
}

class Panel {
  constructor(widget, family, solo) {
    this.family = family;
    this.id = `${widget.id}-${family}-${uid++}`;
    this.canvas = el('canvas', { width: 32, height: 32, class: 'painter-canvas', role: 'img', 'aria-label': `${LABELS[family]}: not painted yet` });
    this.caption = el('figcaption', {}, el('strong', { text: LABELS[family] }), ' ', el('span', { class: 'painter-time' }));
    this.progress = el('span', { class: 'painter-progress', 'aria-hidden': 'true' });
    this.reading = el('p', { class: 'painter-judge', title: 'The judge’s probability that this is a scene with the prompt’s object, colour, place and time' });
    this.figure = el('figure', { class: 'painter-panel', 'data-family': family, 'data-state': 'idle' }, this.canvas, this.caption, this.reading, this.progress);
    this.shown = 0; // counts pictures shown: a slow reading of an older one is dropped
    this.extra = el('div', { class: 'painter-extra' });
    if (solo) this.figure.append(el('p', { class: 'painter-note', text: NOTES[family] }), this.extra);
  }

  label(text) {
    this.canvas.setAttribute('aria-label', text);
  }

  // A refused prompt: nothing of the previous painting stays (picture, times, reading, strip).
  clear(why) {
    this.shown++; // a reading still on its way is dropped
    this.canvas.getContext('2d').clearRect(0, 0, 32, 32);
    this.caption.querySelector('.painter-time').textContent = '';
    this.reading.replaceChildren();
    delete this.reading.dataset.words;
    delete this.reading.dataset.match;
    this.progress.textContent = '';
    this.extra.replaceChildren();
    this.figure.dataset.state = 'refused';
    this.label(`${LABELS[this.family]}: nothing painted (${why})`);
  }
}

// Draw a picture in a panel and have the judge read it: the reading ({words, match}), or null
// (no judge in this build, or a newer picture arrived meanwhile).
async function show(panel, chw, wanted, base) {
  draw(panel.canvas, chw);
  const mine = ++panel.shown;
  const j = await loadJudge(base);
  if (!j || mine !== panel.shown) return null;
  const r = await judgeRead(j.runner, j.settings, toPixels(chw), wanted);
  if (mine !== panel.shown) return null;
  const words = describeReading(r);
  panel.reading.replaceChildren('The judge reads: ', el('strong', { text: words }), ` (${percent(r.match)} sure of all four words)`);
  panel.reading.dataset.words = words;
  panel.reading.dataset.match = String(r.match);
  return { words, match: r.match, names: r.names };
}

export function mount(widget, base) {
  const form = widget.querySelector('form');
  const promptInput = form.querySelector('input[name=prompt]');
  const seedInput = form.querySelector('input[name=seed]');
  const button = form.querySelector('button[type=submit]');
  const error = widget.querySelector('.painter-error');
  const status = widget.querySelector('.painter-status');
  const knobs = widget.querySelector('.painter-knobs');
  const load = widget.querySelector('.painter-load');
  const bar = load?.querySelector('progress');
  const loadBytes = load?.querySelector('.painter-load-bytes');
  const total = Number(status.querySelector('.painter-cost')?.dataset.bytes) || 0; // the build's count
  const area = widget.querySelector('.painter-canvases');
  const families = widget.dataset.family === 'all' ? FAMILIES : [widget.dataset.family];
  const solo = families.length === 1;
  const panels = Object.fromEntries(families.map((f) => [f, new Panel(widget, f, solo)]));
  area.append(...Object.values(panels).map((p) => p.figure));
  const controls = {};
  const memory = {}; // per family: what the knobs that repaint at once need (the VAE's prior...)
  let busy = null;

  const state = () => ({ prompt: promptInput.value, seed: Math.max(0, Math.floor(Number(seedInput.value) || 0)) });

  function showError(message) {
    error.textContent = message;
    promptInput.setAttribute('aria-invalid', message ? 'true' : 'false');
  }

  // The caption's times: loading (from the click until this painter and the judge were ready;
  // null when they were loaded by an earlier Paint) and painting (the sampler, live view included).
  function done(panel, ms, loadMs, extra = {}) {
    panel.figure.dataset.state = 'done';
    const loaded = loadMs == null ? 'already loaded' : `loaded in ${seconds(loadMs)}`;
    panel.caption.querySelector('.painter-time').textContent = `${loaded}, painted in ${seconds(ms)}`;
    widget.dispatchEvent(new CustomEvent('painter:done', { detail: { family: panel.family, ms, loadMs, ...state(), ...extra } }));
  }

  // The progress bar while this Paint loads anything: bytes received against the build's total
  // (indeterminate where the page carries none).
  function showLoading(from) {
    if (!load) return () => {};
    const meter = (bytes) => {
      const got = bytes - from;
      if (total) {
        bar.max = total;
        bar.value = Math.min(got, total);
        loadBytes.textContent = `${mb(Math.min(got, total))} of ${mb(total)}`;
      } else {
        bar.removeAttribute('value');
        loadBytes.textContent = mb(got);
      }
    };
    meters.add(meter);
    meter(received);
    load.hidden = false;
    return () => {
      meters.delete(meter);
      load.hidden = true;
    };
  }

  // --- the family's own knobs (family pages), built once its settings are known -------------
  function buildKnobs(family, settings) {
    if (!solo || controls[family]) return;
    const id = (name) => `${widget.id}-${name}`;
    const c = (controls[family] = {});
    if (family === 'gan') {
      c.truncation = slider(id('truncation'), 'Truncation (z × this)', { min: 0, max: 1.5, step: 0.05, value: 1 });
      const again = el('button', { type: 'button', class: 'md-button', text: 'New z' });
      again.addEventListener('click', () => { seedInput.value = state().seed + 1; paint(); });
      c.truncation.input.addEventListener('change', () => paint());
      c.to = number(id('to'), 'Walk to seed', { min: 0, max: 999999, value: 1 });
      c.walk = slider(id('walk'), 'Walk through z: painted seed → that seed', { min: 0, max: 1, step: 0.02, value: 0 });
      c.walk.input.addEventListener('input', () => rerun('gan'));
      c.to.input.addEventListener('change', () => rerun('gan'));
      knobs.append(c.truncation.node, again, el('div', { class: 'painter-force' }, c.to.node, c.walk.node));
    } else if (family === 'vae') {
      c.temperature = slider(id('temperature'), 'Temperature', { min: 0, max: 2, step: 0.05, value: 1 });
      c.to = number(id('to'), 'Walk to seed', { min: 0, max: 999999, value: 1 });
      c.walk = slider(id('walk'), 'Walk: painted seed → that seed', { min: 0, max: 1, step: 0.02, value: 0 });
      for (const input of [c.temperature.input, c.walk.input]) input.addEventListener('input', () => rerun('vae', { fromWalk: true }));
      c.to.input.addEventListener('change', () => rerun('vae', { fromWalk: true }));
      const shown = Math.min(settings.latent_dim, MAX_LATENT_SLIDERS);
      c.latents = Array.from({ length: shown }, (_, i) => {
        const knob = slider(id(`z${i}`), `z${i + 1}`, { min: -4, max: 4, step: 0.01, value: 0 });
        const band = el('span', { class: 'painter-band' });
        const mean = el('span', { class: 'painter-mean' });
        const note = el('span', { class: 'painter-prior', id: id(`z${i}-prior`) });
        knob.input.setAttribute('aria-describedby', note.id);
        knob.input.addEventListener('input', () => rerun('vae', { latent: i }));
        knob.node.classList.add('painter-latent');
        const range = el('span', { class: 'painter-range' });
        knob.input.replaceWith(range);
        range.append(knob.input, el('span', { class: 'painter-track', 'aria-hidden': 'true' }, band, mean));
        knob.node.append(note);
        return { ...knob, band, mean, note };
      });
      const more = settings.latent_dim > shown ? ` The first ${shown} of its ${settings.latent_dim} numbers are shown.` : '';
      const latents = el('fieldset', { class: 'painter-latents' },
        el('legend', { text: `The latent z: ${settings.latent_dim} numbers the decoder paints from` }),
        el('p', { class: 'painter-note', text: `The shaded band on each slider is the prompt’s prior, mean ± 2 standard deviations; the tick its mean. Moving one repaints at once.${more}` }),
        ...c.latents.map((k) => k.node));
      knobs.append(c.temperature.node, el('div', { class: 'painter-force' }, c.to.node, c.walk.node), latents);
    } else if (family === 'diffusion') {
      c.steps = number(id('steps'), 'Steps', { min: 1, max: 100, value: settings.sample_steps });
      c.guidance = slider(id('guidance'), 'Guidance', { min: 0, max: 6, step: 0.1, value: settings.guidance });
      knobs.append(c.steps.node, c.guidance.node);
    } else if (family === 'autoregressive') {
      c.guidance = slider(id('guidance'), 'Guidance', { min: 0, max: 6, step: 0.1, value: settings.guidance });
      c.temperature = slider(id('temperature'), 'Temperature', { min: 0.1, max: 2, step: 0.05, value: settings.temperature });
      c.position = number(id('position'), 'Force position', { min: 0, max: settings.length - 1, value: 3 });
      c.token = number(id('token'), 'to token', { min: 0, max: settings.codebook - 1, value: 0 });
      const force = el('button', { type: 'button', class: 'md-button', text: 'Force this token' });
      force.addEventListener('click', () => forceToken());
      const clear = el('button', { type: 'button', class: 'md-button', text: 'Unforce' });
      clear.addEventListener('click', () => { memory.autoregressive = { ...memory.autoregressive, forced: {} }; paint(); });
      c.pace = choice(id('pace'), 'Pace', PACES);
      knobs.append(c.guidance.node, c.temperature.node, c.pace.node, el('div', { class: 'painter-force' }, c.position.node, c.token.node, force, clear));
    }
  }

  const value = (family, name, fallback) => (controls[family]?.[name] ? Number(controls[family][name].input.value) : fallback);
  // What an autoregressive painting depends on besides forced tokens: a forced token is compared
  // with the painting of the same prompt, seed and knobs.
  const arKey = (settings) => {
    const { prompt, seed } = state();
    return [prompt, seed, value('autoregressive', 'guidance', settings?.guidance), value('autoregressive', 'temperature', settings?.temperature)].join('|');
  };

  // --- one family's painting ----------------------------------------------------------------
  async function paintOne(family, tokens, seed, prompt, draws, loadMs) {
    const panel = panels[family];
    const wanted = (await loadShared(base)).reader.parse(prompt);
    let image;
    const { runner, settings, info } = await loadPainter(family, base);
    buildKnobs(family, settings);
    panel.figure.dataset.state = 'painting';
    const rng = draws ? new ReplayRandom(draws) : new SeededRandom(seed);
    const quoted = `“${prompt}”, seed ${seed}`;
    const started = performance.now();
    if (family === 'gan') {
      const out = await paintGan(runner, settings, { tokens, rng, truncation: value('gan', 'truncation', 1) });
      memory.gan = { a: out.eps, seed, tokens, runner, settings, key: `${prompt}|${seed}` };
      if (controls.gan) setKnob(controls.gan.walk, 0);
      if (controls.gan && !draws) setKnob(controls.gan.to, seed + 1);
      image = out.image;
      panel.label(`GAN painting of ${quoted}`);
    } else if (family === 'vae') {
      const temperature = value('vae', 'temperature', 1);
      const out = await paintVae(runner, settings, { tokens, rng, temperature });
      memory.vae = { prior: out.prior, a: out.eps, z: out.z, seed, runner, settings, key: `${prompt}|${seed}` };
      if (controls.vae) {
        setKnob(controls.vae.walk, 0);
        if (!draws) setKnob(controls.vae.to, seed + 1);
        showLatents(out.prior, out.z);
      }
      image = out.image;
      panel.label(`VAE painting of ${quoted}`);
    } else if (family === 'diffusion') {
      const strip = solo ? el('div', { class: 'painter-strip', role: 'list', 'aria-label': 'Each step: the noisy picture x_t and the clean picture x₀ predicted from it' }) : null;
      if (strip) panel.extra.replaceChildren(strip);
      const out = await paintDiffusion(runner, settings, {
        tokens, rng, steps: value('diffusion', 'steps', settings.sample_steps), guidance: value('diffusion', 'guidance', settings.guidance),
        onStep: async ({ step, steps, t, xt, x0 }) => {
          draw(panel.canvas, x0);
          panel.progress.textContent = `step ${step} of ${steps}`;
          if (strip) {
            const small = (what, chw) => {
              const c = el('canvas', { width: 32, height: 32, class: `painter-canvas painter-small painter-${what}`, role: 'img', 'aria-label': `step ${step}, t = ${t}: ${what === 'xt' ? 'the noisy picture x_t' : 'the clean picture x₀ predicted'}` });
              draw(c, chw);
              return c;
            };
            strip.append(el('div', { role: 'listitem', 'data-step': step }, small('xt', xt), small('x0', x0), el('span', { text: `t=${t}` })));
          }
          await nextFrame();
        },
      });
      image = out.image;
      panel.label(`Diffusion painting of ${quoted}`);
    } else if (family === 'autoregressive') {
      const key = arKey(settings);
      const before = memory.autoregressive?.key === key ? memory.autoregressive : null;
      const forced = before?.forced || {};
      let shown = 0;
      const grid = solo ? tokenGrid(settings, [], null, forced) : null;
      if (grid) panel.extra.replaceChildren(grid);
      const out = await paintAutoregressive(runner, settings, {
        tokens, rng, forced, guidance: value('autoregressive', 'guidance', settings.guidance),
        temperature: value('autoregressive', 'temperature', settings.temperature),
        onToken: async ({ i, ids }) => {
          panel.progress.textContent = `token ${i + 1} of ${settings.length}`;
          if (grid) grid.children[i].textContent = String(ids[i]);
          const pace = value('autoregressive', 'pace', 0); // tokens a second (0: as fast as it can), read as it goes
          if ((pace || performance.now() - shown > 60) && i + 1 < settings.length) {
            draw(panel.canvas, await arDecode(runner, settings, ids));
            await (pace ? new Promise((ok) => setTimeout(ok, 1000 / pace)) : nextFrame());
            shown = performance.now();
          }
        },
      });
      image = out.image;
      panel.label(`Autoregressive painting of ${quoted}`);
      memory.autoregressive = { key, forced, ids: out.ids, free: Object.keys(forced).length ? before?.free : out.ids, freeReading: before?.freeReading };
    }
    const ms = performance.now() - started;
    panel.progress.textContent = '';
    const reading = await show(panel, image, wanted, base);
    if (family === 'autoregressive') {
      const m = memory.autoregressive;
      if (!Object.keys(m.forced).length) m.freeReading = reading;
      if (solo) showEcho(panel, settings, reading);
    }
    done(panel, ms, loadMs, { mb: megabytes(info), judge: reading });
  }

  // The tokens written, in reading order, as buttons: pressing one forces the next code there
  // and paints again (the same draws: the tokens before it stay, the rest may change).
  function tokenGrid(settings, ids, free, forced) {
    const grid = el('div', { class: 'painter-tokens', role: 'group', 'aria-label': `The ${settings.length} tokens in reading order: press one to force the next code there` });
    for (let i = 0; i < settings.length; i++) {
      const z = ids[i];
      const kind = Object.hasOwn(forced, i) ? 'forced' : free && z !== free[i] ? 'changed' : '';
      const button = el('button', { type: 'button', class: kind, text: z == null ? '·' : String(z), 'data-position': i,
        'aria-label': z == null ? `position ${i}: not written yet` : `position ${i}: code ${z}${kind ? ` (${kind})` : ''}; press to force code ${(z + 1) % settings.codebook}` });
      button.addEventListener('click', () => {
        const now = memory.autoregressive?.ids?.[i];
        if (now == null || busy) return;
        const c = controls.autoregressive;
        setKnob(c.position, i);
        setKnob(c.token, (now + 1) % settings.codebook);
        forceToken();
      });
      grid.append(button);
    }
    return grid;
  }

  // The error echo: after forcing a token, which later tokens changed (same draws, same seed),
  // and what the judge read before and after.
  function showEcho(panel, settings, reading) {
    const m = memory.autoregressive;
    const positions = Object.keys(m.forced).map(Number);
    const grid = tokenGrid(settings, m.ids, positions.length ? m.free : null, m.forced);
    if (!positions.length || !m.free) return panel.extra.replaceChildren(grid);
    const changed = m.ids.filter((z, i) => z !== m.free[i]).length;
    const judged = (r) => (r ? `${r.words} (${percent(r.match)})` : 'nothing');
    const echo = el('p', { class: 'painter-echo', text: `Forced token ${positions.join(', ')}: ${changed} of ${settings.length} tokens now differ from the unforced painting (the same random draws). The judge read ${judged(m.freeReading)} before; now ${judged(reading)}.` });
    echo.dataset.changed = String(changed);
    panel.extra.replaceChildren(echo, grid);
  }

  async function forceToken() {
    const c = controls.autoregressive;
    const { settings } = await loadPainter('autoregressive', base);
    const key = arKey(settings);
    const m = memory.autoregressive?.key === key ? memory.autoregressive : null;
    if (!m) await paint(); // the unforced painting first, to compare with
    const now = memory.autoregressive;
    const forced = { ...(now?.forced || {}) };
    const position = Math.min(Math.max(0, Math.floor(Number(c.position.input.value)) || 0), settings.length - 1);
    forced[position] = Math.min(Math.max(0, Math.floor(Number(c.token.input.value)) || 0), settings.codebook - 1);
    memory.autoregressive = { ...now, key: arKey(settings), forced };
    await paint();
  }

  // Put the latent sliders on this prompt's prior: one scale for all of them (so a wide prior
  // looks wide), the band mean ± 2 std, the thumb at z.
  function showLatents(prior, z) {
    const c = controls.vae;
    let reach = 1;
    c.latents.forEach((_, i) => (reach = Math.max(reach, Math.abs(prior.mu[i]) + 3 * prior.sigma[i])));
    reach = Math.ceil(reach * 2) / 2;
    const at = (x) => `${(100 * (x + reach)) / (2 * reach)}%`;
    c.latents.forEach((k, i) => {
      const [low, high] = [prior.mu[i] - 2 * prior.sigma[i], prior.mu[i] + 2 * prior.sigma[i]];
      k.input.min = String(-reach);
      k.input.max = String(reach);
      k.input.step = String(reach / 50); // a hundred steps end to end: an arrow key moves it visibly
      k.band.style.left = at(low);
      k.band.style.width = `${(100 * (high - low)) / (2 * reach)}%`;
      k.mean.style.left = at(prior.mu[i]);
      k.note.textContent = `prior ${low.toFixed(2)} to ${high.toFixed(2)}`;
      setKnob(k, z[i]);
    });
  }

  // Repaint at once from a knob that needs one network call (the walks, a latent): the latest
  // request wins, one call at a time. The panel's data-redrawn counts the repaints done.
  const reruns = {};
  function rerun(family, job = {}) {
    const r = (reruns[family] ||= { pending: null, running: null });
    r.pending = job;
    r.running ||= (async () => {
      try {
        while (r.pending) {
          const next = r.pending;
          r.pending = null;
          if (!busy) await (family === 'vae' ? redrawVae(next) : redrawGan());
        }
      } catch (e) {
        status.textContent = `Could not repaint: ${e.message}`;
        console.error(e);
      } finally {
        r.running = null;
      }
    })();
    return r.running;
  }

  async function redrawn(panel, image, text) {
    panel.label(text);
    await show(panel, image, (await loadShared(base)).reader.parse(state().prompt), base);
    panel.figure.dataset.redrawn = String(Number(panel.figure.dataset.redrawn || 0) + 1);
  }

  async function redrawVae({ fromWalk, latent }) {
    const m = memory.vae;
    const { prompt, seed } = state();
    if (!m || m.key !== `${prompt}|${seed}`) return;
    const c = controls.vae;
    const to = Math.max(0, Math.floor(value('vae', 'to', seed + 1)) || 0);
    const t = value('vae', 'walk', 0);
    let text;
    if (fromWalk) {
      m.b = new SeededRandom(to).normal(m.settings.latent_dim);
      m.z = vaeLatent(m.prior, slerp(m.a, m.b, t), value('vae', 'temperature', 1));
      c.latents.forEach((k, i) => setKnob(k, m.z[i]));
      text = `VAE painting of “${prompt}”, ${Math.round(t * 100)}% of the way from seed ${seed} to seed ${to}`;
    } else {
      m.z = Float32Array.from(m.z);
      m.z[latent] = Number(c.latents[latent].input.value);
      text = `VAE painting of “${prompt}” from a latent set by hand (z${latent + 1} = ${m.z[latent].toFixed(2)})`;
    }
    await redrawn(panels.vae, await vaeDecode(m.runner, m.prior, m.z), text);
  }

  async function redrawGan() {
    const m = memory.gan;
    const { prompt, seed } = state();
    if (!m || m.key !== `${prompt}|${seed}`) return;
    const to = Math.max(0, Math.floor(value('gan', 'to', seed + 1)) || 0);
    const t = value('gan', 'walk', 0);
    const eps = slerp(m.a, new SeededRandom(to).normal(m.settings.z_dim), t);
    const image = await ganGenerate(m.runner, m.settings, m.tokens, eps, value('gan', 'truncation', 1));
    await redrawn(panels.gan, image, `GAN painting of “${prompt}”, ${Math.round(t * 100)}% of the way through z from seed ${seed} to seed ${to}`);
  }

  // --- Paint ---------------------------------------------------------------------------------
  // paint({prompt, seed, draws}): what Paint does; the tests and the benchmark also give
  // `draws` {family: {normal, uniform}}, torch's random numbers, to compare with torch's pictures.
  async function paint(options = {}) {
    if (busy) return busy;
    if (options.prompt != null) promptInput.value = options.prompt;
    if (options.seed != null) seedInput.value = options.seed;
    busy = (async () => {
      button.disabled = true;
      widget.setAttribute('aria-busy', 'true');
      const { prompt, seed } = state();
      const clicked = performance.now();
      // What this Paint must load: the runtime, the families asked for (only those), the judge.
      const cold = families.filter((f) => !runners[f]);
      const hide = !shared || cold.length || !judge ? showLoading(received) : () => {};
      try {
        status.textContent = total && received === 0 ? `Fetching ${mb(total)} once, then painting…` : 'Loading…';
        for (const f of cold) panels[f].figure.dataset.state = 'loading';
        const { reader } = await loadShared(base);
        let tokens;
        try {
          tokens = reader.encode(prompt);
          showError('');
        } catch (e) {
          if (!(e instanceof PromptError)) throw e;
          showError(e.message);
          for (const panel of Object.values(panels)) panel.clear('the prompt needs a change');
          status.textContent = 'Nothing painted: the prompt needs a change.';
          return;
        }
        // Everything loads before anything paints (in parallel; each painter's time is from
        // the click until it, and the judge, were ready).
        const judged = loadJudge(base);
        const loads = await Promise.allSettled(families.map(async (f) => {
          await Promise.all([loadPainter(f, base), judged]);
          return cold.includes(f) ? performance.now() - clicked : null;
        }));
        hide();
        const loadMs = {};
        for (const [i, f] of families.entries()) {
          if (loads[i].status === 'fulfilled') loadMs[f] = loads[i].value;
          else {
            panels[f].figure.dataset.state = 'error';
            panels[f].label(`${LABELS[f]}: failed (${loads[i].reason.message})`);
          }
        }
        const failed = loads.find((l) => l.status === 'rejected');
        if (failed) throw failed.reason;
        for (const family of families) {
          status.textContent = `Painting with the ${LABELS[family]} painter…`;
          try {
            await paintOne(family, tokens, seed, prompt, options.draws?.[family], loadMs[family]);
          } catch (e) {
            panels[family].figure.dataset.state = 'error';
            panels[family].label(`${LABELS[family]}: failed (${e.message})`);
            throw e;
          }
        }
        status.textContent = `Painted “${prompt}” with seed ${seed}.`;
      } catch (e) {
        status.textContent = `Could not paint: ${e.message}`;
        console.error(e);
      } finally {
        hide();
        button.disabled = false;
        widget.removeAttribute('aria-busy');
        busy = null;
      }
    })();
    return busy;
  }

  // Resolves once a painting and every repaint asked for are done (the tests wait on it).
  const settle = async () => {
    for (let i = 0; i < 100 && (busy || Object.values(reruns).some((r) => r.running)); i++) {
      await busy;
      await Promise.all(Object.values(reruns).map((r) => r.running));
    }
  };
  const api = { paint, families, settle };
  widget.painter = api; // for the browser tests and the benchmark
  return api;
}
