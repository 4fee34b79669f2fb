// Run the browser's samplers under Node on exported graphs, with draws replayed from torch.
// stdin: {"folder": export folder, "jobs": [{"family", "tokens", "draws": {normal, uniform},
// "options": {...}}]}; stdout: per job {"pixels": [RGB bytes], "ids": [...] (autoregressive),
// "x0" and "xt": [[RGB bytes] per step] (diffusion)}. Driven by tests/test_browser_samplers.py.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { PAINTERS, ReplayRandom, makeRunner, toPixels } from '../../docs/assets/painter/samplers.js';

ort.env.wasm.numThreads = 1;
const job = JSON.parse(readFileSync(0, 'utf8'));
const manifest = JSON.parse(readFileSync(`${job.folder}/manifest.json`, 'utf8'));
const sessions = {};
for (const [name, graph] of Object.entries(manifest.graphs)) {
  sessions[name] = await ort.InferenceSession.create(`${job.folder}/${graph.file}`);
}
const runner = makeRunner(ort, sessions);
const results = [];
for (const task of job.jobs) {
  const x0 = [], xt = [];
  const options = { ...task.options, tokens: task.tokens, rng: new ReplayRandom(task.draws) };
  if (manifest.family === 'diffusion') options.onStep = ({ x0: clean, xt: noisy }) => {
    x0.push(Array.from(toPixels(clean)));
    xt.push(Array.from(toPixels(noisy)));
  };
  const started = performance.now();
  const out = await PAINTERS[manifest.family](runner, manifest.settings, options);
  results.push({ pixels: Array.from(toPixels(out.image)), ids: out.ids, x0, xt, ms: performance.now() - started });
}
process.stdout.write(JSON.stringify(results));
