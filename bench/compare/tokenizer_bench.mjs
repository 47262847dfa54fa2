// Tokenizer speed anchor: Hugging Face's `tokenizers` (its official Node binding, prebuilt Rust) on the
// same English text and the same byte-level BPE as `vecformer bench tokenize`.
//
//   cd bench/compare && npm install
//   zcat /usr/share/doc/*/changelog*.gz 2>/dev/null | head -c 8000000 > /tmp/changelogs.raw
//   node tokenizer_bench.mjs prepare /tmp/changelogs.raw /tmp/tokbench   # corpus.txt + tokenizer.json
//   RAYON_NUM_THREADS=1 node tokenizer_bench.mjs time /tmp/tokbench
//   ./vecformer bench tokenize --tokenizer /tmp/tokbench/tokenizer.json --text /tmp/tokbench/corpus.txt
//
// prepare: reads the raw bytes as UTF-8 (invalid bytes become U+FFFD, so both sides read the same text),
// cuts at the last newline, and trains the library's default BPE trainer (vocab 30,000) with NFC +
// ByteLevel (no prefix space) + ByteLevel decoder on it.
// time: documents are the text cut after every blank line ("\n\n"), exactly as the Java side cuts them.
// Encodes them one call per document (awaited in turn) and with one encodeBatch, no special tokens,
// best of ROUNDS each, and prints MB/s (10^6 bytes of UTF-8 per second) of wall time and of the process's
// CPU time (user + system, all threads: on a shared machine wall time also counts other processes), the
// token count and a 32-bit hash of all ids (h = 31 h + id) that the Java side must reproduce.
import fs from 'node:fs';
import path from 'node:path';
import tk from 'tokenizers';

const { Tokenizer, BPE, nfcNormalizer, byteLevelPreTokenizer } = tk;
const ROUNDS = 3;

function documents(text) {
  const docs = [];
  let from = 0;
  for (let i = 2; i <= text.length; i++) {
    if (text.charCodeAt(i - 2) === 10 && text.charCodeAt(i - 1) === 10) {
      docs.push(text.slice(from, i));
      from = i;
    }
  }
  if (from < text.length) docs.push(text.slice(from));
  return docs;
}

function prepare(rawFile, dir) {
  fs.mkdirSync(dir, { recursive: true });
  let text = new TextDecoder('utf-8').decode(fs.readFileSync(rawFile));
  text = text.slice(0, text.lastIndexOf('\n') + 1);
  const corpus = path.join(dir, 'corpus.txt');
  fs.writeFileSync(corpus, text);
  const t = new Tokenizer(BPE.empty());
  t.setNormalizer(nfcNormalizer());
  t.setPreTokenizer(byteLevelPreTokenizer(false, true));
  const t0 = performance.now();
  t.train([corpus]);
  t.save(path.join(dir, 'tokenizer.json'), false);
  const saved = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
  // The Node binding has no ByteLevel decoder constructor; the decoder goes into the file (encoding ignores it).
  saved.decoder = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(saved));
  console.log(`corpus ${Buffer.byteLength(text)} bytes, vocab ${t.getVocabSize()}, trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function time(dir) {
  const text = fs.readFileSync(path.join(dir, 'corpus.txt'), 'utf8');
  const docs = documents(text);
  const bytes = Buffer.byteLength(text);
  const t = Tokenizer.fromFile(path.join(dir, 'tokenizer.json'));
  const opts = { addSpecialTokens: false };
  let tokens = 0;
  let hash = 0;
  const perDoc = async () => {
    const all = [];
    for (const d of docs) all.push((await t.encode(d, null, opts)).getIds());
    return all;
  };
  const batch = async () => (await t.encodeBatch(docs, opts)).map((e) => e.getIds());
  const results = {};
  const cpu = {};
  for (const [name, run] of [['per document', perDoc], ['encodeBatch', batch]]) {
    let best = Infinity;
    let bestCpu = Infinity;
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const ids = await run();
      const c = process.cpuUsage(c0);
      best = Math.min(best, performance.now() - t0);
      bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
      tokens = 0;
      hash = 0;
      for (const row of ids) for (const id of row) { hash = (Math.imul(hash, 31) + id) | 0; tokens++; }
    }
    results[name] = bytes / 1e6 / (best / 1000);
    cpu[name] = bytes / 1e6 / (bestCpu / 1000);
  }
  const rounded = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 100) / 100]));
  console.log(JSON.stringify({ bytes, documents: docs.length, tokens, hash,
    mb_per_s: rounded(results), cpu_mb_per_s: rounded(cpu),
    rayon_num_threads: process.env.RAYON_NUM_THREADS ?? null }));
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'prepare' && args.length === 2) prepare(args[0], args[1]);
else if (cmd === 'time' && args.length === 1) await time(args[0]);
else {
  console.error('usage: node tokenizer_bench.mjs prepare RAW_TEXT DIR | time DIR');
  process.exit(2);
}
