// Regenerates the goldens of BpeTrainerFixtureTest with Hugging Face's own `tokenizers` library (its official
// Node binding, prebuilt Rust): what the library does with a tokenizer OUR trainer wrote, and the merges the
// library's own trainer makes on the same texts.
//
//   cd model/src/test/resources/tokenize && npm install
//   ../../../../../vecformer tokenizer train --data train.txt --vocab 1000 --out trained.json
//   node make_trained_goldens.mjs
//
// trained.json is our trainer's byte-level BPE of train.txt (the Apache-2.0 and GPL-3 license texts; vocab
// 1000 with the default specials <|PAD|> <|BOS|> <|EOS|>). This script writes
// - trained-goldens.json: the library loads trained.json and encodes the texts of cases.mjs plus 4 KB of
//   train.txt (ids and tokens without special tokens, ids with them, i.e. through the file's BOS template,
//   and the decoded text);
// - hf-merges.json: the merges of the library's default BPE trainer (vocab 30,000, no specials, alphabet =
//   the characters seen; NFC + ByteLevel pre-tokenizer as trained.json has) on train.txt and on the small
//   corpora below, which it trains to exhaustion (no pair left), so every merge it can make is listed.
import fs from 'node:fs';
import tk from 'tokenizers';
import { CASES, randomCases } from './cases.mjs';

const { Tokenizer, BPE, nfcNormalizer, byteLevelPreTokenizer } = tk;

/** Small corpora: ties between bytes, between merged tokens (made first wins), overlaps, lines. */
const CORPORA = {
  'aaa': 'aaa',
  'aaaa': 'aaaa',
  'weighted': 'ab\ncd\ncd\ncd\nbc\nbc\n',
  'ties': 'zz\nzz\nzz\nzzx\nzzx\naax\naax\n',
  'spaces': 'hi hi hi',
  'lines': 'a  \n  b',
  'mixed': 'the cat sat on the mat\r\nthe hat\n\n  café café cafe\u0301 日本語 日本 🙂🙂 it\'s 12 345\n',
};

function hfMerges(file) {
  const t = new Tokenizer(BPE.empty());
  t.setNormalizer(nfcNormalizer());
  t.setPreTokenizer(byteLevelPreTokenizer(false, true));
  t.train([file]);
  const tmp = 'hf-train.tmp.json';
  t.save(tmp, false);
  const merges = JSON.parse(fs.readFileSync(tmp, 'utf8')).model.merges;
  fs.unlinkSync(tmp);
  return merges.map((m) => (Array.isArray(m) ? m : m.split(' ')));
}

async function main() {
  const merges = { 'train.txt': hfMerges('train.txt') };
  for (const [name, text] of Object.entries(CORPORA)) {
    const file = `corpus.tmp.txt`;
    fs.writeFileSync(file, text);
    merges[name] = hfMerges(file);
    fs.unlinkSync(file);
  }
  fs.writeFileSync('hf-merges.json', JSON.stringify({ library: 'tokenizers (npm) 0.23.2', corpora: CORPORA, merges }));

  const t = Tokenizer.fromFile('trained.json');
  const texts = [...CASES, ...randomCases(200), fs.readFileSync('train.txt', 'utf8').slice(0, 4000)];
  const cases = [];
  for (const text of texts) {
    const e = await t.encode(text, null, { addSpecialTokens: false });
    const ids = e.getIds();
    const withSpecials = (await t.encode(text, null, { addSpecialTokens: true })).getIds();
    cases.push({ text, ids, tokens: e.getTokens(), withSpecials, decoded: await t.decode(ids, false) });
  }
  fs.writeFileSync('trained-goldens.json', JSON.stringify({ library: 'tokenizers (npm) 0.23.2', cases }));
}

await main();
