// Regenerates the byte-level BPE fixtures of BpeTokenizerTest with Hugging Face's own `tokenizers`
// library (its official Node binding, prebuilt Rust), which is the oracle for every id, token and decoded
// text in goldens.json.
//
//   cd model/src/test/resources/tokenize && npm install && node make_goldens.mjs
//
// Steps: the library trains a byte-level BPE (NFC + ByteLevel pre-tokenizer) on train.txt (the Apache-2.0
// and GPL-3 license texts, English, freely copyable). Its merges are cut to the first MERGES so the files
// stay small, and the vocabulary is rebuilt as the 256 byte characters plus one token per kept merge (the
// trainer's own alphabet holds only the bytes it saw). Variants of that tokenizer.json are then written
// by editing the JSON (merges as "a b" strings or ["a","b"] pairs, no normalizer, add_prefix_space,
// Sequence wrappers, added tokens, post-processors), each is loaded back by the library with
// Tokenizer.fromFile and saved again as the library writes it, and the library encodes (without special
// tokens, like add_special_tokens=False) and decodes the cases below from the saved file.
import fs from 'node:fs';
import tk from 'tokenizers';
import { CASES, randomCases } from './cases.mjs';

const { Tokenizer, BPE, nfcNormalizer, byteLevelPreTokenizer, byteLevelAlphabet, templateProcessing } = tk;
const MERGES = 1000;

function trainBase() {
  const t = new Tokenizer(BPE.empty());
  t.setNormalizer(nfcNormalizer());
  t.setPreTokenizer(byteLevelPreTokenizer(false, true));
  t.train(['train.txt']);
  const tmp = 'base.tmp.json';
  t.save(tmp, false);
  const json = JSON.parse(fs.readFileSync(tmp, 'utf8'));
  fs.unlinkSync(tmp);
  return json;
}

/** Vocabulary: `first` tokens, the 256 byte characters in code-point order, then each kept merge's result. */
function rebuild(base, first) {
  const vocab = {};
  let next = 0;
  for (const s of first) vocab[s] = next++;
  for (const c of byteLevelAlphabet().sort()) vocab[c] = next++;
  const merges = base.model.merges.slice(0, MERGES).map((m) => (Array.isArray(m) ? m : m.split(' ')));
  for (const [a, b] of merges) {
    if (!(a in vocab) || !(b in vocab)) throw new Error(`merge ${a} ${b} uses an unknown token`);
    if (!((a + b) in vocab)) vocab[a + b] = next++;
  }
  return { vocab, merges };
}

function added(id, content, special, normalized) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized, special };
}

const SPECIALS = ['<|PAD|>', '<|BOS|>', '<|EOS|>'];
const byteLevel = (addPrefixSpace) => ({ type: 'ByteLevel', add_prefix_space: addPrefixSpace, trim_offsets: true, use_regex: true });
const byteLevelDecoder = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };

/** The variants: name -> edit of the library's own JSON. */
function variants(base) {
  const withSpecials = rebuild(base, SPECIALS);
  const plain = rebuild(base, []);
  const model = (r, pairs) => ({
    ...base.model,
    vocab: r.vocab,
    merges: pairs ? r.merges : r.merges.map(([a, b]) => `${a} ${b}`),
  });
  const ignoring = { vocab: { ...plain.vocab, 'Ġquick': Object.keys(plain.vocab).length }, merges: plain.merges };
  const n = Object.keys(withSpecials.vocab).length;
  return {
    // The layout of NeelNanda/gpt-neox-tokenizer-digits: NFC, ByteLevel, specials at ids 0-2 inside the
    // model vocab, BOS-prefix template; plus non-special added tokens (a whitespace run as GPT-NeoX has,
    // normalized; words outside the vocab, one not normalized, one written decomposed) with ids after the model's.
    'nfc-specials': {
      ...base,
      added_tokens: [
        added(0, '<|PAD|>', true, false),
        added(1, '<|BOS|>', true, false),
        added(2, '<|EOS|>', true, false),
        added(n, '    ', false, true),
        added(n + 1, 'Café', false, false),
        added(n + 2, 'ﬁle', false, true),
        added(n + 3, 'nai\u0308f', false, true),
      ],
      normalizer: { type: 'NFC' },
      pre_tokenizer: byteLevel(false),
      post_processor: 'template',
      decoder: byteLevelDecoder,
      model: model(withSpecials, false),
    },
    // No normalizer, a space added in front (of every piece between added tokens), merges as pairs,
    // a special outside the model vocab, ByteLevel post-processor.
    'plain-prefix': {
      ...base,
      added_tokens: [added(n - 3, '<|BOS|>', true, false)],
      normalizer: null,
      pre_tokenizer: byteLevel(true),
      post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
      decoder: byteLevelDecoder,
      model: model(plain, true),
    },
    // Sequence wrappers around NFC and ByteLevel, specials not in the model vocab (ids after it).
    'sequence': {
      ...base,
      added_tokens: [
        added(n - 3, '<|endoftext|>', true, false),
      ],
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }] },
      pre_tokenizer: { type: 'Sequence', pretokenizers: [byteLevel(false)] },
      post_processor: null,
      decoder: byteLevelDecoder,
      model: model(plain, true),
    },
    // use_regex false: no GPT-2 split, each piece between added tokens is one word for the BPE.
    'no-regex': {
      ...base,
      added_tokens: [],
      normalizer: { type: 'NFC' },
      pre_tokenizer: { ...byteLevel(false), use_regex: false },
      post_processor: null,
      decoder: byteLevelDecoder,
      model: model(plain, true),
    },
    // ignore_merges: a piece that is itself in the vocab is one token even where no merges lead to it.
    'ignore-merges': {
      ...base,
      added_tokens: [],
      normalizer: { type: 'NFC' },
      pre_tokenizer: byteLevel(false),
      post_processor: null,
      decoder: byteLevelDecoder,
      model: { ...model(ignoring, true), ignore_merges: true },
    },
  };
}

async function main() {
  const base = trainBase();
  const texts = [...CASES, ...randomCases(200), fs.readFileSync('train.txt', 'utf8').slice(0, 4000)];
  const goldens = {};
  // The GPT-2 split of the ByteLevel pre-tokenizer on its own (no prefix space), piece by piece.
  const split = byteLevelPreTokenizer(false, true);
  const pretokenized = texts.map((text) => ({ text, pieces: split.preTokenizeString(text).map(([piece]) => piece) }));
  for (const [name, json] of Object.entries(variants(base))) {
    const file = `${name}.json`;
    const template = json.post_processor === 'template';
    if (template) json.post_processor = null;
    let t = Tokenizer.fromString(JSON.stringify(json));
    if (template) t.setPostProcessor(templateProcessing('<|BOS|> $A', '<|BOS|> $A <|BOS|> $B', [['<|BOS|>', 1]]));
    t.save(file, false);
    if (typeof json.model.merges[0] === 'string') {
      // The library saves merges as pairs; put back the "a b" strings this variant tests.
      const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      saved.model.merges = saved.model.merges.map(([a, b]) => `${a} ${b}`);
      fs.writeFileSync(file, JSON.stringify(saved));
    }
    t = Tokenizer.fromFile(file);
    const cases = [];
    // The no-regex variant only needs the hand-written cases (keeps goldens.json small).
    for (const text of name === 'no-regex' ? CASES : texts) {
      const e = await t.encode(text, null, { addSpecialTokens: false });
      const ids = e.getIds();
      cases.push({
        text,
        ids,
        tokens: e.getTokens(),
        decoded: await t.decode(ids, false),
        pieces: await Promise.all(ids.map((id) => t.decode([id], false))),
      });
    }
    goldens[file] = cases;
  }
  fs.writeFileSync('goldens.json', JSON.stringify({ library: 'tokenizers (npm) 0.23.2', pretokenized, files: goldens }));
}

await main();
