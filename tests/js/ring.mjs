// The ring's toy GAN (docs/assets/painter/ring-train.js) under Node, on TF.js's wasm backend as
// in the page. stdin: one job, stdout: its result (JSON). Driven by tests/test_ring_browser.py.
//   {"replays": [{"r1", "init", "fixedZ", "batches": [{"real", "z"}], "setting": {...} (optional)}]}
//       torch's starting weights, fixed z and batches: -> {"replays": [{"samples": [x, y, ...]
//       after the last batch, "losses": [[d, g] per step]}]}
//   {"constants": true}
//       the trainer's settings: -> {"MODES", "RADIUS", "R1", "SAMPLES", "SETTING"}
//   {"draws": {"seed", "batches": n}}
//       a seeded run's own starting weights, fixed z and first n batches, untrained
//   {"shares": {"points": [x, y, ...], "std"}}
//       the coverage rule on given points: -> {"shares": [...], "covered": [...]}
//   {"seeds": [...], "r1": gamma, "steps": n}
//       a run of its own per seed, seeded here: -> {"runs": [{"seed", "coverage", "covered",
//       "onBlob", "seconds"}]}
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { MODES, R1, RADIUS, RingRun, SAMPLES, SETTING, coveredBlobs, modeShares } from '../../docs/assets/painter/ring-train.js';

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
await tf.setBackend('wasm');
const job = JSON.parse(readFileSync(0, 'utf8'));
let result;
if (job.constants) {
  result = { MODES, RADIUS, R1, SAMPLES, SETTING };
} else if (job.replays) {
  const replays = job.replays.map(({ r1, init, fixedZ, batches, setting = {} }) => {
    const run = new RingRun(tf, { r1, init, fixedZ: Float32Array.from(fixedZ), setting: { ...SETTING, ...setting } });
    const losses = batches.map((b) => {
      const { d, g } = run.trainStep({ real: Float32Array.from(b.real), z: Float32Array.from(b.z) });
      return [d, g];
    });
    const samples = Array.from(run.samples());
    run.dispose();
    return { samples, losses };
  });
  result = { replays };
} else if (job.draws) {
  const run = new RingRun(tf, { seed: job.draws.seed });
  const fixedZ = Array.from(run.fixedZ.dataSync());
  const batches = Array.from({ length: job.draws.batches }, () => {
    const { real, z } = run.batch();
    return { real: Array.from(real), z: Array.from(z) };
  });
  result = { init: run.weights(), fixedZ, batches };
} else if (job.shares) {
  const shares = modeShares(Float32Array.from(job.shares.points), job.shares.std);
  result = { shares: Array.from(shares), covered: coveredBlobs(shares) };
} else {
  const runs = [];
  for (const seed of job.seeds) {
    const started = performance.now();
    const run = new RingRun(tf, { seed, r1: job.r1, setting: { ...SETTING, steps: job.steps ?? SETTING.steps } });
    for (let i = 0; i < run.setting.steps; i++) run.trainStep();
    const { covered, coverage, onBlob } = run.measure();
    runs.push({ seed, coverage, covered, onBlob, seconds: (performance.now() - started) / 1000 });
    run.dispose();
  }
  result = { runs };
}
process.stdout.write(JSON.stringify(result));
