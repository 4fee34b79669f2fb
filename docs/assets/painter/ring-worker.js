// One training run of the ring's toy GAN, in a worker of its own so that the page stays
// responsive and the two runs (plain, R1) train side by side on two cores where there are two.
//
// The page (ring.js) fetches TF.js once and hands every worker the same blob: URLs, so nothing is
// fetched twice. TF.js's files are UMD bundles: imported as modules they set globalThis.tf.
//
// in:  {urls: {core, backend, wasm}, seed, r1, steps, every}
// out: {type: 'ready', ms}, then {type: 'progress', step, points, covered, shares, ms} after
//      step 0 and every `every` steps, {type: 'done', step, ms} at the end, or {type: 'error', message}

import { RingRun, SETTING } from './ring-train.js';

self.onmessage = async ({ data }) => {
  try {
    const started = performance.now();
    await import(data.urls.core);
    await import(data.urls.backend);
    const tf = globalThis.tf;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // no threads without cross-origin isolation
    if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) throw new Error('this browser has no WebAssembly SIMD, which the copy of TF.js here needs');
    // The site carries only the SIMD build (checked just above; threads are off): TF.js asks for
    // an entry per build it knows, so each names that one file.
    const wasm = data.urls.wasm;
    tf.wasm.setWasmPaths({ 'tfjs-backend-wasm.wasm': wasm, 'tfjs-backend-wasm-simd.wasm': wasm, 'tfjs-backend-wasm-threaded-simd.wasm': wasm });
    if (!(await tf.setBackend('wasm'))) throw new Error('TF.js could not start its WebAssembly backend');
    const run = new RingRun(tf, { seed: data.seed, r1: data.r1, setting: { ...SETTING, steps: data.steps } });
    self.postMessage({ type: 'ready', ms: performance.now() - started });
    const trainStart = performance.now();
    const report = () => {
      const { points, shares, covered } = run.measure();
      self.postMessage({ type: 'progress', step: run.step, points, shares, covered, ms: performance.now() - trainStart }, [points.buffer]);
    };
    report();
    while (run.step < data.steps) {
      run.trainStep();
      if (run.step % data.every === 0 || run.step === data.steps) report();
    }
    self.postMessage({ type: 'done', step: run.step, ms: performance.now() - trainStart });
  } catch (error) {
    self.postMessage({ type: 'error', message: error && error.message ? error.message : String(error) });
  }
};
