// The four samplers, as the families' Python samplers run them, calling exported ONNX graphs.
//
// No import of onnxruntime here: a runner (makeRunner) wraps whatever runtime the caller has
// (onnxruntime-web in the page, the same package under Node in the tests), and the random
// numbers come from an `rng` with normal(n) and uniform(n) (SeededRandom in the page; draws
// replayed from torch in tests/test_browser_samplers.py). The arithmetic between network calls
// rounds to float32 after every operation, as torch does, so with torch's draws the browser's
// pictures match torch's (within the network's own float error) and the autoregressive painter
// writes the very same tokens.
//
// Each sampler mirrors one Python function:
//   paintGan        gan.sample_images (with truncation)
//   paintVae        vae.sample_images / prior_latents (with temperature), vaeDecode for the walk
//   paintDiffusion  diffusion.ddim_trajectory + sample_images (steps, guidance, every x0)
//   paintAutoregressive  autoregressive.sample_tokens (guidance, temperature, forced tokens)
//                        and decode_tokens (arDecode)
//   judgeRead       judge.probabilities / match_probability: what the judge reads in a picture

const f = Math.fround;
export const SIZE = 32;

export function makeRunner(ort, sessions) {
  return {
    async run(graph, feeds) {
      const inputs = {};
      for (const [name, v] of Object.entries(feeds)) inputs[name] = v instanceof ort.Tensor ? v : new ort.Tensor(v.type, v.data, v.dims);
      return sessions[graph].run(inputs);
    },
  };
}

const float32 = (data, dims) => ({ type: 'float32', data: Float32Array.from(data), dims });
const int64 = (data, dims) => ({ type: 'int64', data: BigInt64Array.from(data, (x) => BigInt(x)), dims });
const scalar = (x) => float32([x], [1]);

// --- randomness in the page ----------------------------------------------------------------------

// sfc32, seeded through splitmix32: uniform floats in [0, 1) (float32, as torch.rand gives) and
// standard normals by Box-Muller. Not torch's stream: a seed paints the same picture in every
// browser, not the same picture as Python (the tests replay torch's draws instead).
export class SeededRandom {
  constructor(seed) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.state = [next(), next(), next(), next()];
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32() {
    let [a, b, c, d] = this.state;
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    this.state = [a, b, c, d];
    return t;
  }

  uniform(n) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (this.u32() >>> 8) / 16777216; // 24 bits: exact in float32, < 1
    return out;
  }

  normal(n) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const u1 = ((this.u32() >>> 8) + 1) / 16777217;
      const u2 = (this.u32() >>> 8) / 16777216;
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }
}

// Draws given in advance (from torch, in the tests), handed out in order.
export class ReplayRandom {
  constructor({ normal = [], uniform = [] }) {
    this.normals = Float32Array.from(normal);
    this.uniforms = Float32Array.from(uniform);
    this.i = 0;
    this.j = 0;
  }

  normal(n) {
    if (this.i + n > this.normals.length) throw new Error(`replay: asked for ${n} more normal draws, ${this.normals.length - this.i} left`);
    return this.normals.slice(this.i, (this.i += n));
  }

  uniform(n) {
    if (this.j + n > this.uniforms.length) throw new Error(`replay: asked for ${n} more uniform draws, ${this.uniforms.length - this.j} left`);
    return this.uniforms.slice(this.j, (this.j += n));
  }
}

// --- pixels --------------------------------------------------------------------------------------

// torch.round: halves go to the even neighbour.
export function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// nn.to_pixels for one (3, 32, 32) float image: RGB bytes, row by row.
export function toPixels(chw) {
  const n = SIZE * SIZE;
  const rgb = new Uint8Array(3 * n);
  for (let c = 0; c < 3; c++)
    for (let p = 0; p < n; p++) {
      const x = Math.min(1, Math.max(-1, chw[c * n + p]));
      rgb[3 * p + c] = roundHalfEven(f(f(x + 1) * 127.5));
    }
  return rgb;
}

// RGB bytes to the RGBA an ImageData wants.
export function toRGBA(rgb) {
  const rgba = new Uint8ClampedArray((rgb.length / 3) * 4);
  for (let p = 0, q = 0; p < rgb.length; p += 3, q += 4) {
    rgba[q] = rgb[p];
    rgba[q + 1] = rgb[p + 1];
    rgba[q + 2] = rgb[p + 2];
    rgba[q + 3] = 255;
  }
  return rgba;
}

// --- GAN -----------------------------------------------------------------------------------------

// gan.sample_images: z = truncation * randn(z_dim); one generator pass.
export async function paintGan(runner, settings, { tokens, rng, truncation = 1 }) {
  const eps = rng.normal(settings.z_dim);
  const t = f(truncation);
  const z = eps.map((x) => f(t * x));
  const out = await runner.run('generator', { z: float32(z, [1, settings.z_dim]), tokens: int64(tokens, [1, tokens.length]) });
  return { image: out.image.data, z, eps };
}

// The generator on a given standard-normal draw eps (a point of a walk through z), truncated.
export async function ganGenerate(runner, settings, tokens, eps, truncation = 1) {
  const t = f(truncation);
  const z = Float32Array.from(eps, (x) => f(t * x));
  const out = await runner.run('generator', { z: float32(z, [1, settings.z_dim]), tokens: int64(tokens, [1, tokens.length]) });
  return out.image.data;
}

// --- VAE -----------------------------------------------------------------------------------------

// vae.prior_of: the prompt vector, and the prior's mean and spread.
export async function vaePrior(runner, tokens) {
  const out = await runner.run('prior', { tokens: int64(tokens, [1, tokens.length]) });
  return { text: out.text, mu: out.mu.data, sigma: out.sigma.data };
}

// z = mu_p + temperature * sigma_p * eps, as vae.prior_latents computes it.
export function vaeLatent(prior, eps, temperature = 1) {
  const t = f(temperature);
  return Float32Array.from(eps, (e, i) => f(f(f(t * prior.sigma[i]) * e) + prior.mu[i]));
}

export async function vaeDecode(runner, prior, z) {
  const out = await runner.run('decoder', { z: float32(z, [1, z.length]), text: prior.text });
  return out.image.data;
}

export async function paintVae(runner, settings, { tokens, rng, temperature = 1 }) {
  const prior = await vaePrior(runner, tokens);
  const eps = rng.normal(settings.latent_dim);
  const z = vaeLatent(prior, eps, temperature);
  return { image: await vaeDecode(runner, prior, z), prior, eps, z };
}

// vae.interpolate's spherical path between two standard-noise draws, at t in [0, 1].
export function slerp(a, b, t) {
  const norm = (v) => Math.hypot(...v) || 1;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] / norm(a)) * (b[i] / norm(b));
  const omega = Math.acos(Math.min(1 - 1e-6, Math.max(-1 + 1e-6, dot)));
  const s = Math.sin(omega);
  return Float32Array.from(a, (x, i) => (Math.sin((1 - t) * omega) * x + Math.sin(t * omega) * b[i]) / s);
}

// --- diffusion -----------------------------------------------------------------------------------

// diffusion.alpha_bar(t, timesteps), in torch's float32 steps.
export function alphaBar(t, settings) {
  const s = f(settings.s);
  const angle = f(f(f(f(f(t) / settings.timesteps) + s) / f(1 + settings.s)) * f(Math.PI)) / 2;
  const c = f(Math.cos(angle));
  const norm = f(Math.cos((settings.s / (1 + settings.s)) * Math.PI / 2) ** 2);
  return Math.min(f(settings.max), Math.max(f(settings.min), f(f(c * c) / norm)));
}

// torch.linspace(timesteps, 0, steps + 1).round().long(): float32, from both ends, halves to even.
export function ddimTimes(timesteps, steps) {
  const n = steps + 1;
  const step = f(f(0 - timesteps) / (n - 1));
  const half = Math.floor(n / 2);
  return Array.from({ length: n }, (_, i) => roundHalfEven(i < half ? f(timesteps + f(step * i)) : f(0 - f(step * (n - i - 1)))));
}

// diffusion.ddim_trajectory then sample_images: deterministic DDIM from x_T ~ N(0, I).
// onStep({step, steps, t, xt, x0}) after each network call: the noisy picture x_t the denoiser
// was given, and the clean picture it predicts from it.
export async function paintDiffusion(runner, settings, { tokens, rng, steps, guidance, onStep }) {
  steps = steps || settings.sample_steps;
  guidance = guidance ?? settings.guidance;
  const n = 3 * SIZE * SIZE;
  let x = rng.normal(n);
  const times = ddimTimes(settings.timesteps, steps);
  const tokenFeed = int64(tokens, [1, tokens.length]);
  for (let i = 0; i < steps; i++) {
    const [tNow, tNext] = [times[i], times[i + 1]];
    const out = await runner.run('denoiser', {
      x: float32(x, [1, 3, SIZE, SIZE]), t: scalar(tNow), tokens: tokenFeed, guidance: scalar(guidance),
    });
    const v = out.v.data;
    const ab = alphaBar(tNow, settings);
    const a = f(Math.sqrt(ab)), b = f(Math.sqrt(f(1 - ab)));
    const bSafe = Math.max(b, f(1e-4));
    const abNext = tNext > 0 ? alphaBar(tNext, settings) : 1;
    const aNext = f(Math.sqrt(abNext)), bNext = f(Math.sqrt(f(1 - abNext)));
    const x0 = new Float32Array(n), next = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      x0[k] = Math.min(1, Math.max(-1, f(f(a * x[k]) - f(b * v[k]))));
      const eps = f(f(x[k] - f(a * x0[k])) / bSafe);
      next[k] = f(f(aNext * x0[k]) + f(bNext * eps));
    }
    if (onStep) await onStep({ step: i + 1, steps, t: tNow, xt: x, x0 });
    x = next;
  }
  return { image: x };
}

// --- autoregressive ------------------------------------------------------------------------------

// autoregressive.sample_tokens for one picture: one cached step per token, drawn by inverse CDF
// from one uniform each; `forced` {position: token} pins tokens, the draws stay the same.
// onToken({i, token, ids, probabilities}) after each token.
export async function paintAutoregressive(runner, settings, { tokens, rng, guidance, temperature, forced = {}, onToken }) {
  const s = settings;
  const start = (await runner.run('prompt', { tokens: int64(tokens, [1, tokens.length]) })).start;
  let past = {};
  for (let l = 0; l < s.layers; l++)
    for (const k of 'kv') past[`past_${k}${l}`] = float32([], [2, s.heads, 0, s.head_dim]);
  const ids = [];
  const g = scalar(guidance ?? s.guidance), temp = scalar(temperature ?? s.temperature);
  for (let i = 0; i < s.length; i++) {
    const out = await runner.run('step', {
      start, first: scalar(i === 0 ? 1 : 0), prev: int64([i ? ids[i - 1] : 0], [1]), pos: int64([Math.max(i - 1, 0)], [1]),
      guidance: g, temperature: temp, ...past,
    });
    const cdf = out.cdf.data;
    const u = rng.uniform(1)[0];
    let z = 0;
    for (let k = 0; k < cdf.length; k++) if (cdf[k] < u) z++;
    z = Math.min(z, s.codebook - 1);
    if (Object.hasOwn(forced, i)) z = forced[i];
    ids.push(z);
    past = {};
    for (let l = 0; l < s.layers; l++) for (const k of 'kv') past[`past_${k}${l}`] = out[`present_${k}${l}`];
    if (onToken) await onToken({ i, token: z, ids, cdf });
  }
  return { ids, image: await arDecode(runner, s, ids) };
}

// autoregressive.decode_tokens: the tokens so far, the rest blank.
export async function arDecode(runner, settings, ids) {
  const full = Array.from({ length: settings.length }, (_, i) => (i < ids.length ? ids[i] : 0));
  const mask = Array.from({ length: settings.length }, (_, i) => (i < ids.length ? 1 : 0));
  const out = await runner.run('decoder', { ids: int64(full, [1, settings.length]), mask: float32(mask, [1, settings.length]) });
  return out.image.data;
}

// --- the judge -----------------------------------------------------------------------------------

// painters.measure.judge.probabilities on one picture's RGB bytes (toPixels' output, as the canvas
// holds them), and what the page says of them: per attribute the value read and its probability,
// the probability that it is a scene at all, and, given the prompt's {object, colour, place,
// time}, judge.match_probability: p(a scene) times the probability of each of the four.
export async function judgeRead(runner, settings, rgb, wanted = null) {
  const out = await runner.run('judge', { pixels: { type: 'uint8', data: Uint8Array.from(rgb), dims: [1, SIZE, SIZE, 3] } });
  const scene = out.scene.data[1];
  const names = {}, confidence = {};
  let match = scene;
  for (const [name, labels] of Object.entries(settings.labels)) {
    const p = out[name].data;
    let best = 0;
    for (let k = 1; k < p.length; k++) if (p[k] > p[best]) best = k;
    names[name] = labels[best];
    confidence[name] = p[best];
    if (wanted) match *= p[labels.indexOf(wanted[name])];
  }
  return { names, confidence, scene, match: wanted ? match : null };
}

// judge.Readings.describe for one reading: "red bicycle, beach, sunset", or "not a scene".
export function describeReading(r) {
  if (r.scene < 0.5) return 'not a scene';
  const n = r.names;
  return `${n.object === 'none' ? 'no object' : `${n.colour} ${n.object}`}, ${n.place}, ${n.time}`;
}

export const PAINTERS = { gan: paintGan, vae: paintVae, diffusion: paintDiffusion, autoregressive: paintAutoregressive };
