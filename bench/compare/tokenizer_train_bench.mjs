// BPE trainer speed anchor: Hugging Face's `tokenizers` (its official Node binding, prebuilt Rust, parallel
// through rayon) trains a byte-level BPE on the same files as `vecformer bench tokenizer-train`, runs
// interleaved (HF, ours, HF, ours, ...) so both see the same machine load, and the merges are compared.
//
//   cd bench/compare && npm install && ../../vecformer --version   # builds the CLI once
//   node tokenizer_train_bench.mjs prepare /tmp/trainbench 24000000
//   node tokenizer_train_bench.mjs time /tmp/trainbench [ROUNDS]
//
// prepare: decompresses /usr/share/doc/*/changelog*.gz (on every Debian machine) in path order into DIR/corpus,
// one file each, keeping only valid UTF-8 files (HF's trainer stops on any other), until BYTES are written.
// time: HF's default trainer (vocab 30,000, no specials, min frequency 0) with NFC + ByteLevel (no prefix
// space, GPT-2 split), against `vecformer bench tokenizer-train --vocab 30000` (no specials either); MB/min =
// 10^6 bytes of the files per minute of wall time and of the process's CPU time (all threads). Our
// vocabulary holds all 256 bytes while HF's holds only the characters it saw, so at the same vocabulary
// size HF makes (256 − seen) more merges; the check is that our merges equal HF's first ones, in order.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import tk from 'tokenizers';

const { Tokenizer, BPE, nfcNormalizer, byteLevelPreTokenizer } = tk;
const VECFORMER = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'vecformer');

function prepare(dir, limit) {
  const out = path.join(dir, 'corpus');
  fs.mkdirSync(out, { recursive: true });
  const docs = '/usr/share/doc';
  let total = 0;
  let n = 0;
  for (const pkg of fs.readdirSync(docs).sort()) {
    let names;
    try { names = fs.readdirSync(path.join(docs, pkg)).sort(); } catch { continue; }
    for (const name of names) {
      if (!/^changelog.*\.gz$/.test(name) || total >= limit) continue;
      const bytes = zlib.gunzipSync(fs.readFileSync(path.join(docs, pkg, name)));
      try { new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch { continue; }
      fs.writeFileSync(path.join(out, String(n++).padStart(4, '0') + '.txt'), bytes);
      total += bytes.length;
    }
  }
  console.log(`${n} files, ${total} bytes in ${out}`);
}

function files(dir) {
  const corpus = path.join(dir, 'corpus');
  return fs.readdirSync(corpus).sort().map((f) => path.join(corpus, f));
}

function hf(dir) {
  const list = files(dir);
  const bytes = list.reduce((s, f) => s + fs.statSync(f).size, 0);
  const t = new Tokenizer(BPE.empty());
  t.setNormalizer(nfcNormalizer());
  t.setPreTokenizer(byteLevelPreTokenizer(false, true));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  t.train(list);
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  t.save(path.join(dir, 'hf.json'), false);
  return { bytes, wall, cpu, mbPerMin: (bytes / 1e6 / wall) * 60, cpuMbPerMin: (bytes / 1e6 / cpu) * 60 };
}

function ours(dir) {
  const out = execFileSync(VECFORMER, ['bench', 'tokenizer-train', '--data', path.join(dir, 'corpus'), '--vocab', '30000',
    '--out', path.join(dir, 'ours.json'), '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const r = JSON.parse(out);
  return { bytes: r.bytes, wall: r.wall_s, cpu: r.cpu_s, mbPerMin: r.mb_per_min, cpuMbPerMin: r.cpu_mb_per_min };
}

function compareMerges(dir) {
  const pairs = (f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')).model.merges
    .map((m) => (Array.isArray(m) ? m.join(' ') : m));
  const a = pairs('hf.json');
  const b = pairs('ours.json');
  let same = 0;
  while (same < Math.min(a.length, b.length) && a[same] === b[same]) same++;
  return `merges: HF ${a.length}, ours ${b.length}; the first ${same} equal` +
    (same === b.length ? ' (all of ours are HF\'s first ones)' : `; first difference at ${same}: HF "${a[same]}", ours "${b[same]}"`);
}

const [cmd, dir, arg] = process.argv.slice(2);
if (cmd === 'prepare') prepare(dir, Number(arg ?? 24000000));
else if (cmd === 'time') {
  const rounds = Number(arg ?? 2);
  const fmt = (r) => `${r.wall.toFixed(2)} s wall (${r.mbPerMin.toFixed(1)} MB/min), ${r.cpu.toFixed(2)} s CPU (${r.cpuMbPerMin.toFixed(1)} MB/min)`;
  for (let i = 0; i < rounds; i++) {
    const load = fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    const h = hf(dir);
    console.log(`round ${i + 1}, load ${load}: HF   ${fmt(h)} on ${h.bytes} bytes`);
    const o = ours(dir);
    console.log(`round ${i + 1}, load ${load}: ours ${fmt(o)}; ours/HF wall ${(o.mbPerMin / h.mbPerMin).toFixed(2)}x`);
  }
  console.log(compareMerges(dir));
} else {
  console.error('usage: node tokenizer_train_bench.mjs prepare DIR [BYTES] | time DIR [ROUNDS]');
  process.exit(2);
}
