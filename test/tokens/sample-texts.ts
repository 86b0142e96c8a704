// Deterministic test strings for the tokenizer parity tests: every kind of text a prompt or an answer may hold,
// plus the corner cases of SentencePiece (spaces, byte fallback, empty input).
import { mulberry32 } from '../../src/tokens/random.ts';
import { CODE_WORDS, EMOJI, ENGLISH_WORDS, SCRIPTS } from '../../harness/tokenizer-model.ts';

type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const int = (random: Random, from: number, to: number): number => from + Math.floor(random() * (to - from + 1));
const chars = (random: Random, [from, to]: [number, number], length: number): string =>
  Array.from({ length }, () => String.fromCodePoint(int(random, from, to))).join('');

const EMOJI_SEQUENCES = ['👨‍👩‍👧‍👦', '🏳️‍🌈', '👍🏽', '🇯🇵', '🇺🇸', '❤️‍🔥', '🧑🏿‍🚀', '☺︎', '1️⃣', '🫠', '🦀', ...EMOJI];
const WHITESPACE = [
  ' ',
  '  ',
  '   ',
  '\t',
  '\t\t',
  '\n',
  '\r\n',
  '\n\n',
  ' \t ',
  '\u00a0',
  '\u3000',
  '\u2009',
  '\u200b',
];
const COMBINING = ['\u0301', '\u0308', '\u0323', '\u0327', '\u0303', '\u20dd', '\u0651', '\u064e'];
const PUNCT = [...'.,;:!?()[]{}<>"\'`~@#$%^&*-_=+|\\/…—–«»“”'];
const UNSEEN: [number, number][] = [
  [0xac00, 0xd7a3], // Hangul
  [0x0900, 0x097f], // Devanagari
  [0x05d0, 0x05ea], // Hebrew
  [0x0e01, 0x0e3a], // Thai
  [0x5000, 0x9fff], // ideographs outside the training range
  [0x20000, 0x2a6df], // CJK extension B (4-byte UTF-8)
  [0x1f300, 0x1faff], // pictographs
  [0xe000, 0xf8ff], // private use
  [0x0001, 0x001f], // control characters
];

function word(random: Random): string {
  const w = pick(random, ENGLISH_WORDS);
  const r = random();
  return r < 0.1 ? w[0]!.toUpperCase() + w.slice(1) : r < 0.13 ? w.toUpperCase() : w;
}

const generators: Record<string, (random: Random) => string> = {
  prose: (r) => Array.from({ length: int(r, 1, 25) }, () => word(r) + (r() < 0.15 ? pick(r, PUNCT) : '')).join(' '),
  code: (r) => {
    const indent = pick(r, ['', '  ', '    ', '\t', '\t\t', '        ']);
    const name = `${word(r)}${pick(r, ['', '_', 'Id', '2', 'List'])}${word(r)}`;
    return pick(r, [
      `${indent}${pick(r, CODE_WORDS)} ${name} = ${pick(r, CODE_WORDS)}(${name}, ${int(r, 0, 99999)});`,
      `${indent}if (${name}.length >= ${int(r, 0, 9)}) { return ${name}[${int(r, 0, 9)}]; }`,
      `${indent}def ${name}(self, *args, **kwargs) -> dict[str, int]:\n${indent}    pass`,
      `${indent}#include <${word(r)}.h>\n${indent}int main(void) {\n${indent}\treturn 0;\n}`,
      `${indent}x_${int(r, 0, 9)} += 0x${int(r, 0, 0xffff).toString(16)} << ${int(r, 1, 31)}; // ${word(r)}`,
      `${indent}console.log(\`${word(r)}: \${${name}}\`);`,
    ]);
  },
  path: (r) => {
    const parts = Array.from({ length: int(r, 1, 6) }, () => word(r) + pick(r, ['', '-v2', '_old', '.d']));
    return pick(r, [
      '/' + parts.join('/') + pick(r, ['.ts', '.py', '.png', '']),
      'C:\\' + parts.join('\\') + '.exe',
      '~/' + parts.join('/') + `:${int(r, 1, 999)}:${int(r, 1, 80)}`,
      'https://example.com/' + parts.join('/') + `?q=${word(r)}&n=${int(r, 0, 99)}#top`,
    ]);
  },
  emoji: (r) =>
    Array.from({ length: int(r, 1, 8) }, () => (r() < 0.5 ? pick(r, EMOJI_SEQUENCES) : word(r))).join(
      pick(r, ['', ' ']),
    ),
  cjk: (r) =>
    Array.from({ length: int(r, 1, 6) }, () =>
      pick(r, [
        chars(r, SCRIPTS.han!, int(r, 1, 8)),
        chars(r, SCRIPTS.hiragana!, int(r, 1, 5)),
        chars(r, UNSEEN[0]!, int(r, 1, 4)),
        chars(r, UNSEEN[4]!, 2),
        '。',
        '、',
        '「',
        '」',
      ]),
    ).join(pick(r, ['', '', ' '])),
  script: (r) => {
    const range = pick(r, [SCRIPTS.arabic!, SCRIPTS.cyrillic!, SCRIPTS.greek!, UNSEEN[2]!, UNSEEN[1]!, UNSEEN[3]!]);
    return Array.from({ length: int(r, 1, 10) }, () => chars(r, range, int(r, 1, 8))).join(' ');
  },
  combining: (r) =>
    Array.from({ length: int(r, 1, 10) }, () => word(r).replace(/[aeiou]/g, (v) => v + pick(r, COMBINING))).join(' '),
  whitespace: (r) => Array.from({ length: int(r, 1, 8) }, () => (r() < 0.5 ? pick(r, WHITESPACE) : word(r))).join(''),
  padded: (r) => ' '.repeat(int(r, 0, 4)) + generators.prose!(r) + pick(r, ['', ' ', '  ', '\n', ' \t']),
  spaces: (r) => pick(r, [' ', '\t', '\n']).repeat(int(r, 0, 20)),
  unseen: (r) =>
    Array.from({ length: int(r, 1, 6) }, () => chars(r, pick(r, UNSEEN), int(r, 1, 4))).join(pick(r, ['', ' '])),
  long: (r) =>
    pick(r, [
      pick(r, ['a', 'ab', 'the', '▁', '0', '中']).repeat(int(r, 20, 400)),
      Array.from({ length: int(r, 50, 300) }, () => pick(r, ENGLISH_WORDS)).join(''),
      String(int(r, 1, 9)).repeat(int(r, 10, 100)) + chars(r, [0x61, 0x7a], 100),
    ]),
  mixed: (r) =>
    Array.from({ length: int(r, 2, 6) }, () => generators[pick(r, MIXABLE)]!(r)).join(pick(r, ['', ' ', '\n'])),
};
const MIXABLE = ['prose', 'code', 'path', 'emoji', 'cjk', 'script', 'combining', 'whitespace', 'unseen'];

/** `count` strings from every generator in turn, plus fixed corner cases; `inserts` are sprinkled into some. */
export function sampleTexts(count: number, seed: number, inserts: readonly string[] = []): string[] {
  const random = mulberry32(seed);
  const names = Object.keys(generators);
  const fixed = [
    '',
    ' ',
    '  ',
    '\t',
    '\n',
    'a',
    ' a',
    'a ',
    '▁',
    '▁▁a',
    '\u0000',
    'x\u0000y',
    '\uFFFD',
    'e\u0301',
    '\u{10FFFF}',
  ];
  const texts = [...fixed];
  while (texts.length < count) {
    let text = generators[names[texts.length % names.length]!]!(random);
    if (inserts.length > 0 && random() < 0.5) {
      let at = int(random, 0, text.length);
      if (/[\uDC00-\uDFFF]/.test(text[at] ?? '')) at -= 1; // keep surrogate pairs whole
      text = text.slice(0, at) + pick(random, inserts) + text.slice(at);
    }
    texts.push(text);
  }
  return texts;
}
