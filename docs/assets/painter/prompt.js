// Reading a prompt in the browser exactly as painters.world reads it in Python.
//
// words_of, parse_prompt and encode, ported line by line, with the same error messages, from
// the rules world.prompt_rules() gives (the vocabulary, the synonyms, the patterns, the limits),
// which the build writes into painters.json. tests/test_export.py feeds the same prompts, good
// and bad, to both and compares the answers. Where Python's semantics differ from JavaScript's,
// they are reproduced here: Python's `$` also matches before one final newline, len() counts
// code points, sorted() orders by code point, repr() quotes and escapes in its own way, and
// difflib.get_close_matches (with SequenceMatcher's "popular element" heuristic) names the
// nearest known word.

export class PromptError extends Error {}

// Python's re.fullmatch: the whole text. (JavaScript's `$` without the m flag is the very end,
// so the pattern reads the same here; Python's own `$` would let a final newline through.)
function fullmatchRegex(pattern) {
  return new RegExp(pattern);
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

// repr() of a Python str.
export function pyRepr(text) {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0);
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f || (ch !== ' ' && NON_PRINTABLE.test(ch))) {
      const hex = code.toString(16);
      out += code < 0x100 ? '\\x' + hex.padStart(2, '0') : code < 0x10000 ? '\\u' + hex.padStart(4, '0') : '\\U' + hex.padStart(8, '0');
    } else out += ch;
  }
  return out + quote;
}

// difflib.SequenceMatcher(None, a, b).ratio(), autojunk included.
function ratio(a, b) {
  const b2j = new Map();
  [...b].forEach((ch, j) => {
    if (!b2j.has(ch)) b2j.set(ch, []);
    b2j.get(ch).push(j);
  });
  if (b.length >= 200) {
    const ntest = Math.floor(b.length / 100) + 1;
    for (const [ch, where] of [...b2j]) if (where.length > ntest) b2j.delete(ch);
  }
  const longest = (alo, ahi, blo, bhi) => {
    let besti = alo, bestj = blo, bestsize = 0;
    let j2len = new Map();
    for (let i = alo; i < ahi; i++) {
      const next = new Map();
      for (const j of b2j.get(a[i]) || []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) || 0) + 1;
        next.set(j, k);
        if (k > bestsize) [besti, bestj, bestsize] = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) [besti, bestj, bestsize] = [besti - 1, bestj - 1, bestsize + 1];
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) bestsize += 1;
    return [besti, bestj, bestsize];
  };
  let matches = 0;
  const queue = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop();
    const [i, j, k] = longest(alo, ahi, blo, bhi);
    if (k) {
      matches += k;
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
  }
  const total = a.length + b.length;
  return total ? (2.0 * matches) / total : 1.0;
}

// difflib.get_close_matches(word, possibilities, n=1, cutoff)[0], or null.
export function closeMatch(word, possibilities, cutoff) {
  let best = null;
  for (const x of possibilities) {
    const score = ratio(x, word);
    if (score >= cutoff && (best === null || score > best[0] || (score === best[0] && x > best[1]))) best = [score, x];
  }
  return best && best[1];
}

export class PromptReader {
  constructor(rules) {
    this.rules = rules;
    this.vocab = rules.vocab;
    this.index = new Map(rules.vocab.map((w, i) => [w, i]));
    this.attributes = Object.keys(rules.synonyms);
    this.wordToAttribute = new Map();
    for (const [name, groups] of Object.entries(rules.synonyms))
      for (const [value, words] of Object.entries(groups)) for (const w of words) this.wordToAttribute.set(w, [name, value]);
    this.token = new RegExp(rules.token_pattern, 'g');
    this.allowed = fullmatchRegex(rules.allowed_pattern);
  }

  // world.words_of
  words(text) {
    const r = this.rules;
    if (typeof text !== 'string') throw new PromptError(`a prompt is text, not ${typeof text}`);
    const chars = [...text];
    if (chars.length > r.max_prompt_chars)
      throw new PromptError(`prompt is ${chars.length} characters long; at most ${r.max_prompt_chars} are read`);
    if (!this.allowed.test(text)) {
      const bad = [...new Set(chars.filter((c) => !this.allowed.test(c)))].sort((x, y) => x.codePointAt(0) - y.codePointAt(0));
      throw new PromptError(`prompt has characters outside letters and punctuation: [${bad.map(pyRepr).join(', ')}]`);
    }
    const words = text.toLowerCase().match(this.token) || [];
    if (!words.length) throw new PromptError(`prompt is empty; try ${pyRepr(r.shared_prompt)}`);
    const unknown = words.filter((w) => !this.index.has(w));
    if (unknown.length) {
      const known = this.vocab.slice(1);
      const hints = unknown.map((w) => {
        const near = closeMatch(w, known, r.close_match_cutoff);
        return near ? `${pyRepr(w)} (did you mean ${pyRepr(near)}?)` : pyRepr(w);
      });
      throw new PromptError(`unknown word${unknown.length > 1 ? 's' : ''} ${hints.join(', ')}. Known words: ${known.join(', ')}`);
    }
    if (words.length > r.max_words) throw new PromptError(`prompt has ${words.length} words; the painters read at most ${r.max_words}`);
    return words;
  }

  // world.parse_prompt: {object, colour, place, time}
  parse(text) {
    const found = Object.fromEntries(this.attributes.map((a) => [a, []]));
    for (const word of this.words(text)) {
      const hit = this.wordToAttribute.get(word);
      if (hit && !found[hit[0]].includes(hit[1])) found[hit[0]].push(hit[1]);
    }
    for (const [name, values] of Object.entries(found)) {
      if (!values.length) {
        const words = Object.values(this.rules.synonyms[name]).flat().join(', ');
        throw new PromptError(`prompt ${pyRepr(text)} names no ${name}; add one of: ${words}`);
      }
      if (values.length > 1) throw new PromptError(`prompt ${pyRepr(text)} names two ${name}s: ${values.join(' and ')}; keep one`);
    }
    return Object.fromEntries(this.attributes.map((a) => [a, found[a][0]]));
  }

  // world.encode: token ids, padded to max_words
  encode(text) {
    this.parse(text);
    const ids = this.words(text).map((w) => this.index.get(w));
    while (ids.length < this.rules.max_words) ids.push(this.index.get(this.rules.pad));
    return ids;
  }
}
