// The texts every golden file encodes, shared by make_goldens.mjs and make_trained_goldens.mjs: hand-written
// hard cases and seeded random mixtures of pieces that stress the split, the merges and the added tokens.
// Hard cases; the seeded random strings below add many more.
export const CASES = [
  '', ' ', '  ', '   ', '\t', '\n', '\n\n', '\r\n', 'a\r\nb\r\n', ' \t \n', 'x   ', 'x \n', '   leading',
  'Hello world', 'Hello  world', 'Hello   world  ', 'hello\tworld\t\tend', 'trailing space ', 'trailing\n',
  'The quick brown fox jumps over the lazy dog.', 'THE QUICK BROWN FOX',
  "it's don't we're they've I'm you'll he'd", "IT'S DON'T WE'RE", "it'S Don'T", "'s 't 're 've 'm 'll 'd",
  "''", "rock 'n' roll", "James's", "o'clock's'", " 'll",
  '0', '42', '2024-12-31', '3.14159265358979', '12345678901234567890', 'x1y22z333', ' 1 22 333', '½ ² ٣ 一',
  'café', 'cafe\u0301', 'Ångström', 'A\u030angstro\u0308m', 'e\u0301\u0301', 'ﬁne ﬂow', 'Ⅻ',
  '日本語のテキスト', '中文 文字', '한국어', 'Привет, мир!', 'Γειά σου', 'مرحبا', 'שלום',
  '🙂', 'hi 🙂🙂!', '👩‍👩‍👧‍👦 family', '👍🏽', '🇫🇷🇩🇪', 'a\u200db', '\ufeffbom',
  'a\u00a0b', 'a\u00a0 b', 'x\u00a0!', '!\u00a0\u00a0', 'a\u001c\u001db', 'a \u0085b', ' \u2003x', '\u00a0\u00a0\u00a0y', 'a\u180eb', '\u202f\u205f x', '\u00a0\u00a0x', 'a\u3000b', 'a\u2003b\u2009c', 'a\u2028b', 'x\u0085y', 'a\u200bb',
  '\u0000', 'a\u0001b\u001fc\u007f', '\u000b\u000c', 'tab\u000bvt',
  'a<|BOS|>b', '<|BOS|>', '<|BOS|><|EOS|>', ' <|BOS|> x', '<|BOS|', '<|PAD|><|PAD|>hello<|EOS|>', '<<|BOS|>>',
  '<|endoftext|>', 'end<|endoftext|>start', 'x    y', 'x        y', 'x     ', 'Café au lait', 'Cafe\u0301 x', 'Caf', 'ﬁle', 'file', 'naïf', 'nai\u0308f', 'a naïfs',
  '#include <stdio.h>\nint main(void) { return 0; }\n', 'https://example.com/a?b=c&d=e#f', 'foo_bar-baz.qux',
  '!!!???...', '---', '***', '(a)[b]{c}', '"quoted"', '$100.00 & 50%', 'a.b,c;d:e',
  'Licensed under the Apache License, Version 2.0 (the "License");', 'the quick quickly quicker', ' quick',
];

function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded random strings from pieces that stress the regex, the merges and the added tokens. */
export function randomCases(count) {
  const pool = ['the', ' the', 'License', ' of', 'ing', 'tion', 'e', 's', ' ', '  ', '\t', '\n', '\r\n', "'s", "'T", "'ll",
    '0', '7', '123', '.', ',', '!', '-', '"', 'é', 'e\u0301', 'ü', '日', '本', '🙂', '\u200d', '👩', '\u00a0', '\u3000',
    '\u0000', '\u001b', 'Ω', 'ß', 'İ', 'ǅ', '<|BOS|>', '<|EOS|>', '<|endoftext|>', '<|', '|>', '    ', 'Café', 'ﬁle', 'ﬁ'];
  const rnd = mulberry32(20261206);
  const out = [];
  for (let i = 0; i < count; i++) {
    const len = 1 + Math.floor(rnd() * 12);
    let s = '';
    for (let j = 0; j < len; j++) s += pool[Math.floor(rnd() * pool.length)];
    out.push(s);
  }
  return out;
}
