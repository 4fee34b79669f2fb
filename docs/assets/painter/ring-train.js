// The ring of eight blobs and its toy GAN, trained in the reader's browser: src/painters/ring.py
// written again for TensorFlow.js. Same networks (two 3-layer MLPs, width 128, ReLU), same
// initialisation (PyTorch's Linear default: weights and biases uniform in ±1/sqrt(fan_in)), same
// loss (non-saturating, softplus form), same R1 penalty (gamma/2 |grad_x D(x)|^2 at real points),
// same Adam (lr 1e-3, betas 0.5 and 0.999, eps 1e-8), same batch, steps and coverage rule.
//
// No import of TensorFlow.js here: the caller hands in `tf` (the page's copy in the worker, the
// npm package under Node in the tests), so this file runs unchanged in both.
//
// The backward passes are written out below, not taken from TF.js's autodiff: @tensorflow/tfjs-core
// ships its gradient functions apart from its bundles (the full `@tensorflow/tfjs` registers them),
// and the two small MLPs need only a few lines of matrix products. tests/test_ring_browser.py
// checks these gradients against PyTorch's autograd, step by step, R1 included.
//
// Random numbers: a seed gives the same run in every browser, not the same run as Python
// (different generators, and float rounding that grows over 2000 steps of a chaotic game).

import { SeededRandom } from './samplers.js';

export const MODES = 8;
export const RADIUS = 2;
export const R1 = 0.1; // ring.R1: the penalty weight of the R1 runs
export const SAMPLES = 1024; // points drawn from the fixed z to measure coverage (ring.py's 1024)
export const SETTING = Object.freeze({ std: 0.05, steps: 2000, batch: 128, lr: 1e-3, beta1: 0.5, beta2: 0.999, eps: 1e-8, zDim: 16, width: 128 });

// The blobs' centres, [x0, y0, x1, y1, ...]: ring.centres().
export function centres() {
  const c = new Float64Array(2 * MODES);
  for (let m = 0; m < MODES; m++) {
    const angle = (m * 2 * Math.PI) / MODES;
    c[2 * m] = RADIUS * Math.cos(angle);
    c[2 * m + 1] = RADIUS * Math.sin(angle);
  }
  return c;
}

// The share of points within 3 std of each blob's centre (ring.mode_shares): points [x, y, ...].
export function modeShares(points, std) {
  const c = centres();
  const n = points.length / 2;
  const shares = new Float64Array(MODES);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDist = Infinity;
    for (let m = 0; m < MODES; m++) {
      const d = Math.hypot(points[2 * i] - c[2 * m], points[2 * i + 1] - c[2 * m + 1]);
      if (d < bestDist) [best, bestDist] = [m, d];
    }
    if (bestDist < 3 * std) shares[best] += 1 / n;
  }
  return shares;
}

// Which blobs get at least a quarter of their fair share (ring.covered): a list of blob indices.
export const coveredBlobs = (shares) => [...shares.keys()].filter((m) => shares[m] >= 0.25 / MODES);

// The seed box's rule: a whole number in [0, MAX_SEED].
export const MAX_SEED = 999999;
export function parseSeed(text) {
  const t = String(text).trim();
  const rule = `The seed must be a whole number from 0 to ${MAX_SEED}`;
  if (t === '') return { error: `${rule}; the box is empty.` };
  if (!/^[0-9]+$/.test(t)) return { error: `${rule}; “${t.length > 20 ? `${t.slice(0, 20)}…` : t}” is not one.` };
  const seed = Number(t);
  if (seed > MAX_SEED) return { error: `${rule}; ${t.length > 20 ? `${t.slice(0, 20)}…` : t} is too big.` };
  return { seed };
}

// One linear layer, PyTorch's default init: weight (in, out) and bias (out), both U(-b, b),
// b = 1/sqrt(fan_in) (kaiming_uniform_ with a = sqrt(5)).
function linear(rng, fanIn, fanOut) {
  const bound = 1 / Math.sqrt(fanIn);
  const draw = (n) => rng.uniform(n).map((u) => (2 * u - 1) * bound);
  return { w: draw(fanIn * fanOut), b: draw(fanOut) };
}

// The starting weights of one run: generator z -> 2 and critic 2 -> 1, three layers each.
export function initialWeights(rng, setting = SETTING) {
  const w = setting.width;
  const shapes = { G: [setting.zDim, w, w, 2], D: [2, w, w, 1] };
  const out = {};
  for (const [net, dims] of Object.entries(shapes)) {
    out[net] = [];
    for (let i = 0; i < 3; i++) out[net].push(linear(rng, dims[i], dims[i + 1]));
  }
  return out;
}

// a @ b, with either transposed first: TF.js's wasm backend multiplies transposed operands several
// times slower than it transposes them and multiplies plain ones (measured under Node).
function mm(tf, a, b, transposeA = false, transposeB = false) {
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
}

let runs = 0;

// One training run. new RingRun(tf, {seed, r1}) draws its starting weights, its fixed z and then
// each step's batch from one seeded stream, so a plain run and an R1 run with the same seed start
// from the same weights and see the same data. The tests hand in torch's starting weights (`init`),
// fixed z (`fixedZ`) and batches (trainStep's argument) instead.
//
// Each network's weights live in one flat TF.js variable, cut into its layers at every step:
// Adam then updates one tensor per network, not six (a dozen small kernels each, and the kernels'
// fixed cost is about half of a step's time at this size). The update is the same elementwise.
export class RingRun {
  constructor(tf, { seed = 0, r1 = 0, setting = SETTING, init = null, rng = null, fixedZ = null } = {}) {
    this.tf = tf;
    this.setting = setting;
    this.r1 = r1;
    this.step = 0;
    this.rng = rng || new SeededRandom(seed);
    const weights = init || initialWeights(this.rng, setting);
    const id = `ring${runs++}`;
    this.flat = {};
    this.layout = {};
    for (const net of ['G', 'D']) {
      const values = [];
      this.layout[net] = weights[net].map(({ w, b }) => {
        const entry = { w: [values.length, w.length / b.length, b.length] };
        values.push(...w);
        entry.b = [values.length, b.length];
        values.push(...b);
        return entry;
      });
      this.flat[net] = tf.variable(tf.tensor1d(values, 'float32'), true, `${id}/${net}`);
    }
    this.fixedZ = tf.tensor(fixedZ || this.rng.normal(SAMPLES * setting.zDim), [SAMPLES, setting.zDim]);
    const adam = () => tf.train.adam(setting.lr, setting.beta1, setting.beta2, setting.eps);
    this.opt = { G: adam(), D: adam() };
  }

  // A network's layers, [{w (in, out), b (out)}], cut from its flat variable.
  layers(net) {
    const tf = this.tf;
    return this.layout[net].map(({ w: [wo, rows, cols], b: [bo, n] }) => ({
      w: tf.reshape(tf.slice(this.flat[net], wo, rows * cols), [rows, cols]),
      b: tf.slice(this.flat[net], bo, n),
    }));
  }

  // One step's batch: real points (a random blob plus std * noise), then the generator's z.
  batch() {
    const { batch: b, std, zDim } = this.setting;
    const c = centres();
    const which = this.rng.uniform(b);
    const noise = this.rng.normal(2 * b);
    const real = new Float32Array(2 * b);
    for (let i = 0; i < b; i++) {
      const m = Math.min(MODES - 1, Math.floor(which[i] * MODES));
      real[2 * i] = c[2 * m] + std * noise[2 * i];
      real[2 * i + 1] = c[2 * m + 1] + std * noise[2 * i + 1];
    }
    return { real, z: this.rng.normal(b * zDim) };
  }

  // x through a 3-layer MLP, keeping what the backward pass needs.
  forward(layers, x) {
    const tf = this.tf;
    const inputs = [x];
    const masks = [];
    let h = x;
    layers.forEach(({ w, b }, i) => {
      const hidden = i < layers.length - 1;
      h = tf.fused.matMul({ a: h, b: w, bias: b, activation: hidden ? 'relu' : 'linear' }); // relu(h w + b) in one kernel
      if (hidden) {
        masks.push(tf.step(h)); // 1 where the ReLU let its input through (relu(t) > 0 just when t > 0), else 0
        inputs.push(h);
      }
    });
    return { out: h, inputs, masks };
  }

  // Backward through a forward() record: dOut (rows, out) -> the layers' gradients, and the
  // gradient at the input when `input` is asked for.
  backward(layers, record, dOut, input = false) {
    const tf = this.tf;
    const grads = [];
    let delta = dOut;
    for (let i = layers.length - 1; i >= 0; i--) {
      grads[i] = { w: mm(tf, record.inputs[i], delta, true, false), b: tf.sum(delta, 0) };
      if (i > 0 || input) delta = mm(tf, delta, layers[i].w, false, true);
      if (i > 0) delta = tf.mul(delta, record.masks[i - 1]);
    }
    return { grads, dInput: input ? delta : null };
  }

  // The R1 penalty, (gamma / 2) mean_i |grad_x D(x_i)|^2 at the real points, and its gradient for
  // the critic's weights. grad_x D(x) = ((m2 * w3^T) W2^T * m1) W1^T for a ReLU MLP (m: the
  // ReLUs' on/off masks at x, which do not move with the weights), so the penalty depends on W1,
  // W2 and w3 only, and its gradient is one more backward pass through that chain.
  r1Gradients(layers, masks) {
    const tf = this.tf;
    const [l1, l2, l3] = layers;
    const [m1, m2] = masks;
    const rows = m1.shape[0];
    const u2 = tf.mul(m2, tf.reshape(l3.w, [1, -1])); // (B, H): d D / d a2, masked
    const u1 = tf.mul(mm(tf, u2, l2.w, false, true), m1); // (B, H)
    const gx = mm(tf, u1, l1.w, false, true); // (B, 2): grad_x D(x)
    const dGx = tf.mul(gx, this.r1 / rows); // d penalty / d gx
    const dW1 = mm(tf, dGx, u1, true, false); // (2, H)
    const dU1 = tf.mul(mm(tf, dGx, l1.w), m1); // (B, H)
    const dW2 = mm(tf, dU1, u2, true, false); // (H, H)
    const dU2 = mm(tf, dU1, l2.w); // (B, H)
    const dW3 = tf.reshape(tf.sum(tf.mul(dU2, m2), 0), [-1, 1]); // (H, 1)
    return {
      penalty: tf.mul(tf.mean(tf.sum(tf.square(gx), 1)), this.r1 / 2),
      grads: [dW1, dW2, dW3].map((w, i) => ({ w, b: tf.zerosLike(layers[i].b) })),
    };
  }

  // Layer gradients -> one flat gradient, in the flat variable's order, for Adam.
  apply(net, grads) {
    const tf = this.tf;
    const flat = tf.concat(grads.flatMap(({ w, b }) => [tf.reshape(w, [-1]), b]));
    this.opt[net].applyGradients({ [this.flat[net].name]: flat });
  }

  // One step of ring.train_many: the critic's step (loss on real and fake, plus R1), then the
  // generator's (non-saturating loss through the updated critic). Returns the two losses.
  trainStep(batch = this.batch()) {
    const tf = this.tf;
    const b = this.setting.batch;
    const losses = tf.tidy(() => {
      const real = tf.tensor(batch.real, [b, 2]);
      const z = tf.tensor(batch.z, [b, this.setting.zDim]);
      const G = this.layers('G');
      let D = this.layers('D');
      const fake = this.forward(G, z);
      // Critic: softplus(-D(real)) + softplus(D(fake)), each a mean over the batch; the real and
      // fake rows go through the critic together. d softplus(t)/dt = sigmoid(t).
      const both = this.forward(D, tf.concat([real, fake.out], 0));
      const [dReal, dFake] = tf.split(both.out, 2, 0);
      let dLoss = tf.add(tf.mean(tf.softplus(tf.neg(dReal))), tf.mean(tf.softplus(dFake)));
      const dOut = tf.concat([tf.div(tf.neg(tf.sigmoid(tf.neg(dReal))), b), tf.div(tf.sigmoid(dFake), b)], 0);
      let dGrads = this.backward(D, both, dOut).grads;
      if (this.r1 > 0) {
        const r1 = this.r1Gradients(D, both.masks.map((m) => tf.slice(m, [0, 0], [b, -1])));
        dLoss = tf.add(dLoss, r1.penalty);
        dGrads = dGrads.map((g, i) => ({ w: tf.add(g.w, r1.grads[i].w), b: tf.add(g.b, r1.grads[i].b) }));
      }
      this.apply('D', dGrads);
      // Generator: softplus(-D(G(z))) through the critic just updated.
      D = this.layers('D');
      const seen = this.forward(D, fake.out);
      const gLoss = tf.mean(tf.softplus(tf.neg(seen.out)));
      const dSeen = tf.div(tf.neg(tf.sigmoid(tf.neg(seen.out))), b);
      const dFakePoints = this.backward(D, seen, dSeen, true).dInput;
      this.apply('G', this.backward(G, fake, dFakePoints).grads);
      return [dLoss, gLoss];
    });
    this.step += 1;
    const [d, g] = losses.map((t) => {
      const v = t.dataSync()[0];
      t.dispose();
      return v;
    });
    return { d, g };
  }

  // The generator's points for the fixed z, [x, y, ...] (1024 of them).
  samples() {
    const tf = this.tf;
    const out = tf.tidy(() => this.forward(this.layers('G'), this.fixedZ).out);
    const values = out.dataSync().slice();
    out.dispose();
    return values;
  }

  // Coverage now: the blobs' shares of the fixed z's points, and which blobs are covered.
  measure(points = this.samples()) {
    const shares = modeShares(points, this.setting.std);
    const covered = coveredBlobs(shares);
    return { points, shares, covered, coverage: covered.length, onBlob: shares.reduce((s, x) => s + x, 0) };
  }

  // The weights now, as initialWeights() gives them: {G: [{w, b}], D: [...]} (for the tests).
  weights() {
    const out = {};
    for (const net of ['G', 'D']) {
      const flat = this.flat[net].dataSync();
      out[net] = this.layout[net].map(({ w: [wo, rows, cols], b: [bo, n] }) => ({
        w: Array.from(flat.subarray(wo, wo + rows * cols)),
        b: Array.from(flat.subarray(bo, bo + n)),
      }));
    }
    return out;
  }

  dispose() {
    for (const net of ['G', 'D']) {
      this.flat[net].dispose();
      this.opt[net].dispose();
    }
    this.fixedZ.dispose();
  }
}
