// The ring experiment, live in the reader's browser: the widget behind docs/widgets/ring.md.
//
// The page carries the widget's form and a few lines of inline script; this module loads on the
// first Train, and then fetches TensorFlow.js from the site's own assets/painter/tfjs/ (the
// build copies it there from node_modules: painters.export.copy_tfjs_into_site). The fetched
// files become blob: URLs that both workers import, so each file crosses the network once.
//
// Two workers (ring-worker.js) train the two runs side by side, plain and R1, from the same
// seed: the same starting weights and the same batches, so the penalty is the only difference.
// Every EVERY steps each sends the generator's points for a fixed z, drawn over the real blobs.
//
// mount(widget, base) -> {train()}. The widget's data-state says where it is (idle, loading,
// training, done, stopped, error) and it fires `ring:done` with {seed, steps, ms, runs} at the
// end. A `data-steps` attribute on the widget shortens the runs: the browser tests use it; the
// page never sets it.

import { MODES, R1, SETTING, centres, parseSeed } from './ring-train.js';

const EVERY = 25; // steps between two pictures
const LIMIT = 3; // the chart shows x and y from -LIMIT to LIMIT
export const TFJS = { core: 'tfjs/tf-core.min.js', backend: 'tfjs/tf-backend-wasm.min.js', wasm: 'tfjs/tfjs-backend-wasm-simd.wasm' };
const TYPES = { core: 'text/javascript', backend: 'text/javascript', wasm: 'application/wasm' };
const RUNS = [
  { key: 'plain', r1: 0, title: 'plain' },
  { key: 'r1', r1: R1, title: `with R1 (γ = ${R1})` },
];

let tfjs = null;

// TF.js's three files, fetched once per page: {urls (blob:), bytes, ms}.
function loadTfjs(base) {
  tfjs ||= (async () => {
    const started = performance.now();
    const entries = await Promise.all(
      Object.entries(TFJS).map(async ([name, file]) => {
        const response = await fetch(new URL(file, base));
        if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
        const data = await response.arrayBuffer();
        return [name, data];
      }),
    );
    const urls = {};
    let bytes = 0;
    for (const [name, data] of entries) {
      urls[name] = URL.createObjectURL(new Blob([data], { type: TYPES[name] }));
      bytes += data.byteLength;
    }
    return { urls, bytes, ms: performance.now() - started };
  })();
  tfjs.catch(() => (tfjs = null));
  return tfjs;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attributes)) {
    if (k === 'text') node.textContent = v;
    else if (v !== false && v != null) node.setAttribute(k, v === true ? '' : v);
  }
  node.append(...children);
  return node;
}

const seconds = (ms) => `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
const kilobytes = (bytes) => `${Math.round(bytes / 1000).toLocaleString('en')} kB`;
const blobList = (covered) => (covered.length ? covered.map((m) => m + 1).join(', ') : 'none');

// Real points to draw under the generated ones: 64 per blob, from a fixed pattern (a picture of
// the data, not a sample of it: the coverage count never looks at them).
const REAL = (() => {
  const c = centres();
  const out = [];
  for (let m = 0; m < MODES; m++) {
    for (let k = 0; k < 64; k++) {
      const r = SETTING.std * Math.sqrt(-2 * Math.log((k + 0.5) / 64)); // radii of a 2-D normal
      const a = k * 2.399963; // the golden angle: evenly around
      out.push(c[2 * m] + r * Math.cos(a), c[2 * m + 1] + r * Math.sin(a));
    }
  }
  return out;
})();

class Panel {
  constructor(widget, run) {
    this.run = run;
    this.canvas = el('canvas', { class: 'ring-canvas', role: 'img', 'aria-label': `${run.title}: not trained yet` });
    this.step = el('span', { class: 'ring-step', 'data-step': '0', text: 'step 0' });
    this.coverage = el('span', { class: 'ring-coverage', text: '' });
    this.blobs = el('span', { class: 'ring-blobs', text: '' });
    this.figure = el(
      'figure',
      { class: 'ring-panel', 'data-run': run.key, 'data-state': 'idle' },
      this.canvas,
      el('figcaption', {}, el('strong', { text: run.title }), el('br'), this.step, ' · ', this.coverage, el('br'), this.blobs),
    );
    this.points = null;
    this.covered = [];
  }

  show(step, total, points, covered) {
    this.points = points;
    this.covered = covered;
    this.step.textContent = `step ${step.toLocaleString('en')} of ${total.toLocaleString('en')}`;
    this.step.dataset.step = String(step);
    this.coverage.textContent = `covers ${covered.length} of ${MODES} blobs`;
    this.coverage.dataset.coverage = String(covered.length);
    this.blobs.textContent = `blobs covered: ${blobList(covered)}`;
    this.canvas.setAttribute('aria-label', `${this.run.title}, step ${step}: the generator’s points cover ${covered.length} of the ${MODES} blobs (${blobList(covered)})`);
    this.draw();
  }

  // The real blobs (grey), each blob's counting circle (3 std: solid when covered, dashed when
  // not) and number, and the generator's 1024 points.
  draw() {
    const canvas = this.canvas;
    const css = getComputedStyle(canvas);
    const size = Math.max(1, Math.round(canvas.clientWidth));
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(size * ratio)) {
      canvas.width = Math.round(size * ratio);
      canvas.height = Math.round(size * ratio);
    }
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, size, size);
    const scale = size / (2 * LIMIT);
    const px = (x) => (x + LIMIT) * scale;
    const py = (y) => (LIMIT - y) * scale;
    const colour = (name) => css.getPropertyValue(name).trim();
    g.fillStyle = colour('--ring-real');
    for (let i = 0; i < REAL.length; i += 2) g.fillRect(px(REAL[i]) - 1.5, py(REAL[i + 1]) - 1.5, 3, 3);
    const c = centres();
    g.font = `${Math.max(11, Math.round(size / 24))}px ${css.fontFamily}`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    for (let m = 0; m < MODES; m++) {
      const on = this.covered.includes(m);
      g.beginPath();
      g.arc(px(c[2 * m]), py(c[2 * m + 1]), 3 * SETTING.std * scale, 0, 2 * Math.PI);
      g.setLineDash(on ? [] : [3, 3]);
      g.lineWidth = on ? 2 : 1;
      g.strokeStyle = colour(on ? '--ring-covered' : '--ring-zone');
      g.stroke();
      g.fillStyle = colour('--ring-label');
      g.fillText(String(m + 1), px(c[2 * m] * 1.3), py(c[2 * m + 1] * 1.3));
    }
    g.setLineDash([]);
    if (this.points) {
      g.fillStyle = colour('--ring-fake');
      const p = this.points;
      for (let i = 0; i < p.length; i += 2) g.fillRect(px(p[i]) - 1, py(p[i + 1]) - 1, 2, 2);
    }
  }
}

export function mount(widget, base) {
  const form = widget.querySelector('form');
  const seedInput = form.querySelector('input[name=seed]');
  const trainButton = form.querySelector('.ring-train');
  const stopButton = form.querySelector('.ring-stop');
  const resetButton = form.querySelector('.ring-reset');
  const error = widget.querySelector('.ring-error');
  const status = widget.querySelector('.ring-status');
  const progress = widget.querySelector('.ring-progress');
  const holder = widget.querySelector('.ring-panels');
  const idleText = status.textContent;
  let workers = [];
  let panels = [];
  let session = 0;

  const setState = (state) => {
    widget.dataset.state = state;
    const focused = document.activeElement; // read before disabling it drops the focus
    const busy = state === 'loading' || state === 'training';
    trainButton.disabled = busy;
    stopButton.disabled = !busy;
    resetButton.disabled = state === 'idle';
    // A button that held the keyboard's focus and is now disabled (Train once pressed, Stop at
    // the end) hands it on, so the next Tab starts from here, not from the top of the page.
    if (focused && focused.disabled) (busy ? stopButton : trainButton).focus();
  };

  const stopWorkers = () => {
    for (const w of workers) w.terminate();
    workers = [];
    session += 1;
  };

  const steps = () => {
    const asked = Number(widget.dataset.steps);
    return Number.isInteger(asked) && asked > 0 && asked <= SETTING.steps ? asked : SETTING.steps;
  };

  stopButton.addEventListener('click', () => {
    stopWorkers();
    const at = Math.min(...panels.map((p) => Number(p.step.dataset.step)));
    status.textContent = `Stopped at step ${at.toLocaleString('en')}. Press Train to start again, or Reset.`;
    progress.textContent = '';
    for (const p of panels) p.figure.dataset.state = 'stopped';
    setState('stopped');
    trainButton.focus();
  });

  resetButton.addEventListener('click', () => {
    stopWorkers();
    holder.replaceChildren();
    panels = [];
    error.textContent = '';
    status.textContent = idleText;
    progress.textContent = '';
    setState('idle');
    trainButton.focus();
  });

  let resizeQueued = false;
  window.addEventListener('resize', () => {
    if (resizeQueued) return;
    resizeQueued = true;
    requestAnimationFrame(() => {
      resizeQueued = false;
      for (const p of panels) p.draw();
    });
  });
  // The palette toggle changes the colours: redraw with the new ones.
  new MutationObserver(() => panels.forEach((p) => p.draw())).observe(document.body, { attributes: true, attributeFilter: ['data-md-color-scheme'] });

  async function train() {
    const parsed = parseSeed(seedInput.value);
    if (parsed.error) {
      error.textContent = parsed.error;
      seedInput.setAttribute('aria-invalid', 'true');
      seedInput.focus();
      return;
    }
    error.textContent = '';
    seedInput.removeAttribute('aria-invalid');
    stopWorkers();
    const mine = session;
    const { seed } = parsed;
    const total = steps();
    panels = RUNS.map((run) => new Panel(widget, run));
    holder.replaceChildren(...panels.map((p) => p.figure));
    panels.forEach((p) => p.draw());
    setState('loading');
    const pressed = performance.now();
    const fresh = !tfjs; // this press fetches TF.js (a later one reuses it)
    status.textContent = fresh ? 'Loading TensorFlow.js…' : 'Starting…';
    let loaded;
    try {
      loaded = await loadTfjs(base);
    } catch (x) {
      if (mine !== session) return;
      status.textContent = `Could not load TensorFlow.js: ${x.message}`;
      setState('error');
      return;
    }
    if (mine !== session) return;
    widget.dataset.fetched = String(loaded.bytes);
    const fetched = fresh ? `TensorFlow.js loaded (${kilobytes(loaded.bytes)} in ${seconds(loaded.ms)}). ` : '';
    status.textContent = `${fetched}Training both runs, ${total.toLocaleString('en')} steps each…`;
    const started = { at: 0 };
    const finished = new Map();
    workers = RUNS.map((run, k) => {
      const worker = new Worker(new URL('ring-worker.js', base), { type: 'module' });
      worker.onmessage = ({ data }) => {
        if (mine !== session) return;
        const panel = panels[k];
        if (data.type === 'ready') {
          if (!started.at) {
            started.at = performance.now();
            setState('training');
          }
        } else if (data.type === 'progress') {
          panel.figure.dataset.state = 'training';
          panel.show(data.step, total, data.points, data.covered);
          // The progress line (not announced: the status line says when it starts and ends).
          const slowest = Math.min(...panels.map((p) => Number(p.step.dataset.step)));
          const elapsed = performance.now() - started.at;
          const left = slowest > 0 && slowest < total ? `, about ${seconds((elapsed / slowest) * (total - slowest))} to go` : '';
          progress.textContent = `${seconds(elapsed)} so far${left}.`;
        } else if (data.type === 'done') {
          panel.figure.dataset.state = 'done';
          finished.set(run.key, { steps: data.step, covered: panel.covered });
          if (finished.size === RUNS.length) {
            const ms = performance.now() - started.at;
            stopWorkers();
            const [plain, fixed] = RUNS.map((r) => finished.get(r.key).covered.length);
            progress.textContent = '';
            const startup = started.at - pressed;
            const before = startup >= 500 ? `, after ${seconds(startup)} to ${fresh ? 'fetch TensorFlow.js and ' : ''}start` : '';
            status.textContent =
              `Done: ${total.toLocaleString('en')} steps for each run took ${seconds(ms)} here, in this browser${before}. ` +
              `Seed ${seed}: the plain GAN covers ${plain} of ${MODES} blobs, the GAN with R1 covers ${fixed}.`;
            setState('done');
            widget.dispatchEvent(new CustomEvent('ring:done', { detail: { seed, steps: total, ms, bytes: loaded.bytes, runs: Object.fromEntries(finished) } }));
          }
        } else if (data.type === 'error') {
          stopWorkers();
          panel.figure.dataset.state = 'error';
          status.textContent = `The ${run.title} run stopped with an error: ${data.message}`;
          progress.textContent = '';
          setState('error');
        }
      };
      worker.onerror = (event) => {
        if (mine !== session) return;
        stopWorkers();
        status.textContent = `Could not start training: ${event.message || 'the worker failed to load'}`;
        setState('error');
      };
      worker.postMessage({ urls: loaded.urls, seed, r1: run.r1, steps: total, every: EVERY });
      return worker;
    });
  }

  setState('idle');
  return { train };
}
