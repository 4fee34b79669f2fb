// Read pictures with the exported judge under Node, as the page does (samplers.js judgeRead).
// stdin: {"folder": the judge's export folder, "jobs": [{"pixels": [RGB bytes], "wanted":
// {object, colour, place, time} or null}]}; stdout: per job the reading and its words.
// Driven by tests/test_browser_samplers.py.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describeReading, judgeRead, makeRunner } from '../../docs/assets/painter/samplers.js';

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
  const reading = await judgeRead(runner, manifest.settings, task.pixels, task.wanted);
  results.push({ ...reading, words: describeReading(reading) });
}
process.stdout.write(JSON.stringify(results));
