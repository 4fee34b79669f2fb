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

import { PromptError, PromptReader } from './prompt.js';
import {
  ReplayRandom, SeededRandom, arDecode, makeRunner, paintAutoregressive, paintDiffusion, paintGan, paintVae, slerp, toPixels, toRGBA,
  vaeDecode, vaeLatent,
} from './samplers.js';

const FAMILIES = ['gan', 'vae', 'diffusion', 'autoregressive'];
const LABELS = { gan: 'GAN', vae: 'VAE', diffusion: 'Diffusion', autoregressive: 'Autoregressive' };
const NOTES = {
  gan: 'one pass of the generator',
  vae: 'a draw from the prompt’s prior, one pass of the decoder',
  diffusion: 'the clean picture the denoiser sees at each step: layout early, texture late',
  autoregressive: 'tokens written one by one, each a 4×4 patch, in reading order',
};

let shared = null;
const runners = {};

function loadShared(base) {
  shared ||= (async () => {
    const ort = await import(new URL('ort/ort.wasm.min.mjs', base).href);
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.wasm.wasmPaths = new URL('ort/', base).href;
    const response = await fetch(new URL('painters.json', base));
    if (!response.ok) throw new Error(`painters.json: HTTP ${response.status}`);
    const index = await response.json();
    return { ort, index, reader: new PromptReader(index.prompt_rules) };
  })();
  shared.catch(() => (shared = null));
  return shared;
}

function loadPainter(family, base) {
  runners[family] ||= (async () => {
    const { ort, index } = await loadShared(base);
    const info = index.painters[family];
    if (!info) throw new Error(`no ${LABELS[family]} painter in this build`);
    const sessions = {};
    for (const [name, graph] of Object.entries(info.graphs)) {
      sessions[name] = await ort.InferenceSession.create(new URL(`${info.folder}/${graph.file}`, base).href, {
        executionProviders: ['wasm'], graphOptimizationLevel: 'all',
      });
    }
    return { runner: makeRunner(ort, sessions), settings: info.settings, info };
  })();
  runners[family].catch(() => delete runners[family]);
  return runners[family];
}

const megabytes = (info) => (Object.values(info.graphs).reduce((s, g) => s + g.bytes, 0) / 1e6).toFixed(1);

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
    this.figure = el('figure', { class: 'painter-panel', 'data-family': family, 'data-state': 'idle' }, this.canvas, this.caption, this.progress);
    this.extra = el('div', { class: 'painter-extra' });
    if (solo) this.figure.append(el('p', { class: 'painter-note', text: NOTES[family] }), this.extra);
  }

  label(text) {
    this.canvas.setAttribute('aria-label', text);
  }
}

export function mount(widget, base) {
  const form = widget.querySelector('form');
  const promptInput = form.querySelector('input[name=prompt]');
  const seedInput = form.querySelector('input[name=seed]');
  const button = form.querySelector('button[type=submit]');
  const error = widget.querySelector('.painter-error');
  const status = widget.querySelector('.painter-status');
  const knobs = widget.querySelector('.painter-knobs');
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

  function done(panel, ms, extra = {}) {
    panel.figure.dataset.state = 'done';
    panel.caption.querySelector('.painter-time').textContent = `${ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(2) + ' s'} in your browser`;
    widget.dispatchEvent(new CustomEvent('painter:done', { detail: { family: panel.family, ms, ...state(), ...extra } }));
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
      knobs.append(c.truncation.node, again);
    } else if (family === 'vae') {
      c.temperature = slider(id('temperature'), 'Temperature', { min: 0, max: 2, step: 0.05, value: 1 });
      c.walk = slider(id('walk'), 'Latent walk: seed → seed + 1', { min: 0, max: 1, step: 0.02, value: 0 });
      c.temperature.input.addEventListener('input', () => redecodeVae());
      c.walk.input.addEventListener('input', () => redecodeVae());
      knobs.append(c.temperature.node, c.walk.node);
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
      knobs.append(c.guidance.node, c.temperature.node, el('div', { class: 'painter-force' }, c.position.node, c.token.node, force, clear));
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
  async function paintOne(family, tokens, seed, prompt, draws) {
    const panel = panels[family];
    panel.figure.dataset.state = 'loading';
    const { runner, settings, info } = await loadPainter(family, base);
    buildKnobs(family, settings);
    panel.figure.dataset.state = 'painting';
    const rng = draws ? new ReplayRandom(draws) : new SeededRandom(seed);
    const quoted = `“${prompt}”, seed ${seed}`;
    const started = performance.now();
    if (family === 'gan') {
      const out = await paintGan(runner, settings, { tokens, rng, truncation: value('gan', 'truncation', 1) });
      draw(panel.canvas, out.image);
      panel.label(`GAN painting of ${quoted}`);
    } else if (family === 'vae') {
      const temperature = value('vae', 'temperature', 1);
      const out = await paintVae(runner, settings, { tokens, rng, temperature });
      memory.vae = { prior: out.prior, a: out.eps, b: new SeededRandom(seed + 1).normal(settings.latent_dim), runner, key: `${prompt}|${seed}` };
      if (controls.vae) {
        controls.vae.walk.input.value = 0;
        controls.vae.walk.node.querySelector('output').textContent = '0';
      }
      draw(panel.canvas, out.image);
      panel.label(`VAE painting of ${quoted}`);
    } else if (family === 'diffusion') {
      const strip = solo ? el('div', { class: 'painter-strip', role: 'list', 'aria-label': 'The clean picture predicted at each step' }) : null;
      if (strip) panel.extra.replaceChildren(strip);
      const out = await paintDiffusion(runner, settings, {
        tokens, rng, steps: value('diffusion', 'steps', settings.sample_steps), guidance: value('diffusion', 'guidance', settings.guidance),
        onStep: async ({ step, steps, t, x0 }) => {
          draw(panel.canvas, x0);
          panel.progress.textContent = `step ${step} of ${steps}`;
          if (strip) {
            const small = el('canvas', { width: 32, height: 32, class: 'painter-canvas painter-small', role: 'img', 'aria-label': `step ${step} (t = ${t})` });
            draw(small, x0);
            strip.append(el('div', { role: 'listitem' }, small, el('span', { text: `t=${t}` })));
          }
          await nextFrame();
        },
      });
      draw(panel.canvas, out.image);
      panel.label(`Diffusion painting of ${quoted}`);
    } else if (family === 'autoregressive') {
      const key = arKey(settings);
      const before = memory.autoregressive?.key === key ? memory.autoregressive : null;
      const forced = before?.forced || {};
      let shown = 0;
      const out = await paintAutoregressive(runner, settings, {
        tokens, rng, forced, guidance: value('autoregressive', 'guidance', settings.guidance),
        temperature: value('autoregressive', 'temperature', settings.temperature),
        onToken: async ({ i, ids }) => {
          panel.progress.textContent = `token ${i + 1} of ${settings.length}`;
          if (performance.now() - shown > 60 && i + 1 < settings.length) {
            draw(panel.canvas, await arDecode(runner, settings, ids));
            await nextFrame();
            shown = performance.now();
          }
        },
      });
      draw(panel.canvas, out.image);
      panel.label(`Autoregressive painting of ${quoted}`);
      memory.autoregressive = { key, forced, ids: out.ids, free: Object.keys(forced).length ? before?.free : out.ids };
      if (solo) showEcho(panel, settings);
    }
    const ms = performance.now() - started;
    panel.progress.textContent = '';
    done(panel, ms, { mb: megabytes(info) });
  }

  // The error echo: after forcing a token, which later tokens changed (same draws, same seed).
  function showEcho(panel, settings) {
    const m = memory.autoregressive;
    const positions = Object.keys(m.forced).map(Number);
    if (!positions.length || !m.free) return panel.extra.replaceChildren();
    const changed = m.ids.filter((z, i) => z !== m.free[i]).length;
    const grid = el('div', { class: 'painter-tokens', role: 'img', 'aria-label': `${changed} of ${settings.length} tokens differ from the unforced painting` });
    m.ids.forEach((z, i) => grid.append(el('span', { class: z !== m.free[i] ? 'changed' : (positions.includes(i) ? 'forced' : ''), text: String(z) })));
    panel.extra.replaceChildren(
      el('p', { text: `Forced token ${positions.join(', ')}: ${changed} of ${settings.length} tokens now differ from the unforced painting (the same random draws).` }),
      grid,
    );
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

  async function redecodeVae() {
    const m = memory.vae;
    const { prompt, seed } = state();
    if (!m || m.key !== `${prompt}|${seed}` || busy) return;
    const t = value('vae', 'walk', 0);
    const eps = slerp(m.a, m.b, t);
    const image = await vaeDecode(m.runner, m.prior, vaeLatent(m.prior, eps, value('vae', 'temperature', 1)));
    draw(panels.vae.canvas, image);
    panels.vae.label(`VAE painting of “${prompt}”, seed ${seed}, ${Math.round(t * 100)}% of the way to seed ${seed + 1}`);
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
      try {
        status.textContent = 'Loading the painters…';
        const { reader, index } = await loadShared(base);
        let tokens;
        try {
          tokens = reader.encode(prompt);
          showError('');
        } catch (e) {
          if (!(e instanceof PromptError)) throw e;
          showError(e.message);
          status.textContent = 'Nothing painted: the prompt needs a change.';
          return;
        }
        for (const family of families) {
          const info = index.painters[family];
          status.textContent = `Painting with the ${LABELS[family]} painter${runners[family] ? '' : ` (loading ${info ? megabytes(info) : '?'} MB first)`}…`;
          try {
            await paintOne(family, tokens, seed, prompt, options.draws?.[family]);
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
        button.disabled = false;
        widget.removeAttribute('aria-busy');
        busy = null;
      }
    })();
    return busy;
  }

  const api = { paint, families };
  widget.painter = api; // for the browser tests and the benchmark
  return api;
}
