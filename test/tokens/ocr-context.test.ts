// The OCR context: its text, its budget, and where it sits in the prompt.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { OcrLine } from '../../src/common/protocol.ts';
import { contextLines, linePosition, ocrContext, type ContextLine } from '../../src/tokens/ocr-context.ts';
import { followUpIds, promptIds, SYSTEM_PROMPT } from '../../src/tokens/prompt.ts';
import { InfimmTokenizer } from '../../src/tokens/tokenizer.ts';

const BUNDLED_TOKENIZER = join(resolve(import.meta.dirname, '..', '..'), 'models', 'default', 'tokenizer.model');

/** One token per space-separated word: budgets that can be counted by eye. The header is 4. */
const words = (text: string) => text.split(' ').length;

const line = (text: string, left: number, top: number, bottom: number): ContextLine => ({
  text,
  box: [left, top, left + 100, bottom],
});

// A 1000 × 500 screenshot.
const SCREEN: ContextLine[] = [
  line('  Settings \t—  Photon\u3000Mail ', 300, 10, 40),
  line(' \t ', 500, 50, 60),
  line('Notifications', 20, 100, 120),
  line('Cancel', 700, 460, 480),
];
const SCREEN_CONTEXT = 'Text in the image:\n[0,3] Settings — Photon Mail\n[2,0] Notifications\n[9,7] Cancel\n';

test('a position is the tenth of the height holding the centre and the tenth of the width holding the left edge, 0–9', () => {
  assert.equal(linePosition([300, 200, 400, 250], 1000, 500), '[4,3]');
  assert.equal(linePosition([0, 0, 100, 10], 1000, 500), '[0,0]');
  assert.equal(linePosition([950, 490, 1200, 520], 1000, 500), '[9,9]', 'past the right and bottom edges');
  assert.equal(linePosition([-20, -10, 50, 0], 1000, 500), '[0,0]', 'past the left and top edges');
  assert.equal(linePosition([99.9, 49.9, 120, 50], 1000, 500), '[0,0]', 'just under a boundary');
  assert.equal(linePosition([100, 50, 120, 50], 1000, 500), '[1,1]', 'on a boundary');
});

test("an OCR line's box is the bounds of its quadrilateral, turned or not; its block stays", () => {
  const turned: Pick<OcrLine, 'text' | 'box' | 'block'> = {
    text: 'tilted',
    block: 3,
    box: [
      [12, 40],
      [110, 20],
      [114, 38],
      [16, 58],
    ],
  };
  assert.deepEqual(contextLines([turned]), [{ text: 'tilted', box: [12, 20, 114, 58], block: 3 }]);
});

test('a code row shows its gutter number ("N: text") only for a model trained with line numbers', () => {
  const row: Pick<OcrLine, 'text' | 'box' | 'block' | 'lineNumber'> = {
    text: 'return  x;',
    block: 2,
    lineNumber: 12,
    box: [
      [200, 100],
      [400, 100],
      [400, 120],
      [200, 120],
    ],
  };
  const shown = (lineNumbers: boolean) => ocrContext(contextLines([row], lineNumbers), 1000, 500, words, 100).text;
  assert.equal(shown(true), 'Text in the image:\n[2,2] 12: return x;\n');
  assert.equal(shown(false), 'Text in the image:\n[2,2] return x;\n');
});

test('each line is "[row,col] text" in reading order, whitespace runs made one space, empty lines dropped', () => {
  const context = ocrContext(SCREEN, 1000, 500, words, 100);
  assert.equal(context.text, SCREEN_CONTEXT);
  assert.deepEqual(
    { lines: context.lines, kept: context.kept, tokens: context.tokens },
    { lines: 3, kept: 3, tokens: words(SCREEN_CONTEXT) },
  );
});

test('U+FEFF is not whitespace, as in Python; U+0085 and U+001F are', () => {
  const context = ocrContext([line('a\ufeffb\x85c\x1fd', 0, 0, 10)], 1000, 500, words, 100);
  assert.equal(context.text, 'Text in the image:\n[0,0] a\ufeffb c d\n');
});

test('the budget keeps headings, then a status bar (the bottom 4%), then the rest from the top down (one block); it skips a line that does not fit and keeps reading order', () => {
  const lines = [
    line('side bar one two three', 0, 300, 312), // costs 7 (its position, five words, a newline); first in reading order, but low
    line('Title', 300, 100, 130), // 3; 30 px against a median of 13: a heading
    line('tab strip words', 300, 0, 14), // 5; 14 px is the same text size as 12 and 13, not a heading
    line('code line', 300, 200, 213), // 4
    line('Ln 4', 800, 488, 500), // 4; the status bar, in the bottom 4%
  ];
  const context = ocrContext(lines, 1000, 500, words, 4 + 16);
  // The title (13 left), the status bar (9), the tab strip (4), the code line (0); the side bar does not fit.
  assert.equal(context.text, 'Text in the image:\n[2,3] Title\n[0,3] tab strip words\n[4,3] code line\n[9,8] Ln 4\n');
  assert.deepEqual([context.lines, context.kept], [5, 4]);
  // The status bar comes before the rest, however low: room for the title, the status bar and the tab strip.
  assert.equal(
    ocrContext(lines, 1000, 500, words, 4 + 12).text,
    'Text in the image:\n[2,3] Title\n[0,3] tab strip words\n[9,8] Ln 4\n',
  );
  // A line that does not fit is skipped and the next one tried: room for the title and the status bar only.
  assert.equal(ocrContext(lines, 1000, 500, words, 4 + 7).text, 'Text in the image:\n[2,3] Title\n[9,8] Ln 4\n');
  // Every line fits: all, in reading order.
  assert.equal(ocrContext(lines, 1000, 500, words, 4 + 23).kept, 5);
  // Only a line starting in the bottom 4% (480 px here) is a status bar: 479 px is taken top down.
  assert.equal(
    ocrContext([line('code', 300, 100, 112), line('row', 800, 479, 491)], 1000, 500, words, 4 + 3).text,
    'Text in the image:\n[2,3] code\n',
  );
  // Room for one of two lines at the same height: the first in reading order.
  assert.equal(
    ocrContext([line('a', 500, 300, 312), line('b', 0, 300, 312)], 1000, 500, words, 4 + 3).text,
    'Text in the image:\n[6,5] a\n',
  );
});

test("past the headings and the status bar, the budget takes every block's first line, then every second line, …: a terminal below a full editor keeps its command", () => {
  const inBlock = (block: number, text: string, top: number) => ({ ...line(text, 300, top, top + 12), block });
  const lines = [
    inBlock(1, 'def', 100), // each costs 3: its position, one word, a newline
    inBlock(1, 'print', 120),
    inBlock(1, 'return', 140),
    inBlock(2, '$git', 400),
    inBlock(2, 'clean', 420),
  ];
  // Room for three lines: both blocks' first lines, then the editor's second (above the terminal's second).
  assert.equal(
    ocrContext(lines, 1000, 500, words, 4 + 9).text,
    'Text in the image:\n[2,3] def\n[2,3] print\n[8,3] $git\n',
  );
  // The same lines without blocks are taken from the top down: the terminal is left out.
  const unblocked = lines.map(({ text, box }) => ({ text, box }));
  assert.equal(
    ocrContext(unblocked, 1000, 500, words, 4 + 9).text,
    'Text in the image:\n[2,3] def\n[2,3] print\n[2,3] return\n',
  );
});

test('commands at a shell prompt come after the headings, the latest first, before the status bar and the rest', () => {
  const inTerminal = (text: string, top: number) => ({ ...line(text, 300, top, top + 12), block: 2 });
  const lines = [
    line('Title', 300, 0, 30), // costs 3; a heading
    inTerminal('x', 100), // each costs 3 (a prompt with its command 4)
    inTerminal('y', 120),
    inTerminal('dev@box:~/app$ make', 140),
    inTerminal('z', 160),
    inTerminal('$ ls', 180),
    inTerminal('echo ${HOME}$', 200), // no command after the "$": not a prompt
    line('Ln 4', 800, 488, 500), // 4; the status bar
  ];
  const context = (budget: number) => ocrContext(lines, 1000, 500, words, 4 + budget).text;
  // Both commands, then the status bar, then the block's first line.
  assert.equal(
    context(3 + 4 + 4 + 4 + 3),
    'Text in the image:\n[0,3] Title\n[2,3] x\n[2,3] dev@box:~/app$ make\n[3,3] $ ls\n[9,8] Ln 4\n',
  );
  // Room for one: the latest.
  assert.equal(context(3 + 4), 'Text in the image:\n[0,3] Title\n[3,3] $ ls\n');
});

test('the lines the question asks about come first: the code row it names, and the lines holding one of its rarer words', () => {
  const row = (text: string, top: number, lineNumber: number) => ({
    ...line(text, 300, top, top + 12),
    block: 1,
    lineNumber,
  });
  const lines = [
    line('Title', 300, 0, 30), // costs 3; a heading
    row('if x', 100, 1), // each row costs 5: its position, its number, two words, a newline
    row('if y', 120, 2),
    row('if z', 140, 3),
    row('if sound', 160, 4),
    line('Ln 4', 800, 488, 500), // 4; the status bar
  ];
  const budget = 4 + 3 + 4 + 5; // the heading, the status bar and one row
  const context = (question: string) => ocrContext(lines, 1000, 500, words, budget, question).text;
  // Without a question the first row of the block is kept.
  assert.equal(context(''), 'Text in the image:\n[0,3] Title\n[2,3] 1: if x\n[9,8] Ln 4\n');
  // "line 3" (or "lines 3") names the third row; "line 30", "online 3" and "line3" name none.
  assert.equal(context('What is on line 3?'), 'Text in the image:\n[0,3] Title\n[2,3] 3: if z\n[9,8] Ln 4\n');
  assert.equal(context('Lines  3 and 4?'), 'Text in the image:\n[0,3] Title\n[2,3] 3: if z\n[9,8] Ln 4\n');
  for (const question of ['What is on line 30?', 'online 3', 'line3'])
    assert.equal(context(question), context(''), question);
  // A word of at most three lines marks them ("Sound", any case); one of four lines ("if") or a short one ("x") does not.
  assert.equal(context('Is SOUND on?'), 'Text in the image:\n[0,3] Title\n[3,3] 4: if sound\n[9,8] Ln 4\n');
  assert.equal(context('if x'), context(''));
});

test('no text, or no line that fits, gives "none"', () => {
  for (const [lines, maxTokens] of [
    [[], 100],
    [SCREEN.slice(1, 2), 100],
    [SCREEN, 4 + 2],
    [SCREEN, 2],
  ] as const) {
    const context = ocrContext(lines, 1000, 500, words, maxTokens);
    assert.equal(context.text, 'Text in the image: none\n');
    assert.equal(context.kept, 0);
  }
});

test('the context opens the first question, right after <image>, in the same piece of text', async () => {
  const tok = await InfimmTokenizer.fromFile(BUNDLED_TOKENIZER);
  const ids = promptIds(tok, { image: true, turns: [], context: SCREEN_CONTEXT }, 'Is Sound on?');
  assert.deepEqual(ids, [
    tok.bos,
    ...tok.sentencePiece.encode(`${SYSTEM_PROMPT} USER: `),
    tok.image,
    ...tok.sentencePiece.encode(`${SCREEN_CONTEXT}Is Sound on? ASSISTANT:`),
  ]);
  assert.equal(
    tok.decode(ids),
    `${SYSTEM_PROMPT} USER: <image>Text in the image:\n[0,3] Settings — Photon Mail\n[2,0] Notifications\n[9,7] Cancel\nIs Sound on? ASSISTANT:`,
  );
  const read = ocrContext([line('<image> and <|endofchunk|>', 0, 0, 10)], 1000, 500, words, 100).text;
  const withTags = promptIds(tok, { image: true, turns: [], context: read }, 'What is this?');
  assert.deepEqual(
    [withTags.filter((id) => id === tok.image).length, withTags.includes(tok.endOfChunk)],
    [1, false],
    'text read in the image stays text',
  );
});

test('follow-ups keep the context: KV cache + follow-up ids = the whole conversation', async () => {
  const tok = await InfimmTokenizer.fromFile(BUNDLED_TOKENIZER);
  const turns = [{ question: 'Is Sound on?', answer: 'Yes.' }];
  const cache = promptIds(tok, { image: true, turns: [], context: SCREEN_CONTEXT }, turns[0]!.question);
  const answer = [...tok.sentencePiece.encode('Yes.'), tok.endOfChunk];
  const { keep, append } = followUpIds(tok, [...cache, ...answer], 'And Cancel?');
  assert.deepEqual(
    [...cache, ...answer].slice(0, keep).concat(append),
    promptIds(tok, { image: true, turns, context: SCREEN_CONTEXT }, 'And Cancel?'),
  );
  assert.equal(
    tok
      .decode(promptIds(tok, { image: true, turns, context: SCREEN_CONTEXT }, 'And Cancel?'))
      .split('Text in the image:').length,
    2,
    'once',
  );
});
