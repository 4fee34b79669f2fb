// Read prompts the way the browser does: stdin {"rules": ..., "prompts": [...]}, stdout one
// {"ids": [...]} or {"error": "..."} per prompt. Driven by tests/test_export.py.
import { readFileSync } from 'node:fs';
import { PromptError, PromptReader } from '../../docs/assets/painter/prompt.js';

const job = JSON.parse(readFileSync(0, 'utf8'));
const reader = new PromptReader(job.rules);
const answers = job.prompts.map((prompt) => {
  try {
    return { ids: reader.encode(prompt) };
  } catch (error) {
    if (!(error instanceof PromptError)) throw error;
    return { error: error.message };
  }
});
process.stdout.write(JSON.stringify(answers));
