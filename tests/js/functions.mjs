// Call pure functions of samplers.js: stdin [{"fn": name, "args": [...]}, ...], stdout their
// results (typed arrays as plain arrays). Driven by tests/test_browser_samplers.py.
import { readFileSync } from 'node:fs';
import * as samplers from '../../docs/assets/painter/samplers.js';

const calls = JSON.parse(readFileSync(0, 'utf8'));
const plain = (x) => (ArrayBuffer.isView(x) ? Array.from(x) : Array.isArray(x) ? x.map(plain) : x);
process.stdout.write(JSON.stringify(calls.map(({ fn, args }) => plain(samplers[fn](...args)))));
