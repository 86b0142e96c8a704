// The runtime's OCR context equals training's (python/infimm/ocr_context.py) byte for byte, and so do the prompt
// ids, on the bundled tokenizer: a model trained with OCR context reads at run time what it read in training.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { contextEntries, ocrContext, type ContextLine } from '../../src/tokens/ocr-context.ts';
import { promptIds } from '../../src/tokens/prompt.ts';
import { InfimmTokenizer } from '../../src/tokens/tokenizer.ts';
import { hasPythonModule, PYTHON, requireOrSkip } from '../../harness/requirements.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const TOKENIZER = join(ROOT, 'models', 'default', 'tokenizer.model');
// Questions asking about a rare word of the image, about a code row by its number, and about nothing in it.
const QUESTIONS = ['Is Sound on?', 'What is on line 13?', 'Describe this screenshot.'];
const [WIDTH, HEIGHT] = [1280, 720];

// Reading order; whitespace runs (Python's and JavaScript's differ beyond ASCII), an empty line, "—", CJK,
// code rows with line numbers, fractional and out-of-image boxes, a status bar, commands at a shell prompt and a
// line that only looks like one, lines in blocks and without, and more text than the small budgets hold.
const LINES: ContextLine[] = [
  { text: 'Settings — Photon Mail', box: [384, 8, 896, 56] },
  { text: '  General \t Notifications\u3000Accounts  ', box: [20, 80, 700, 104], block: 1 },
  { text: '   ', box: [0, 120, 50, 130], block: 1 },
  { text: 'Sound\u00a0on\u2003✓', box: [20.5, 140.25, 180.75, 162.5], block: 1 },
  { text: 'Ünïcödé\ufeffBOM and\x85NEL\x1cFS', box: [640, 200, 1100, 224], block: 2 },
  { text: '設定を保存 — 日本語', box: [20, 300, 400, 330], block: 1 },
  { text: 'const x = a <= b && c["key"];', box: [20, 360, 800, 380], block: 1, lineNumber: 12 },
  { text: '  return  x;', box: [40, 382, 300, 402], block: 1, lineNumber: 13 },
  { text: 'ok: 3 passed', box: [20, 500, 300, 520], block: 4 },
  { text: 'dev@box:~/app$  make test', box: [20, 530, 400, 550], block: 4 },
  { text: 'echo "${HOME}$"', box: [20, 560, 300, 580], block: 4 },
  { text: '● app$ du -sh .', box: [20, 590, 300, 610], block: 4 },
  { text: '$ git log', box: [20, 620, 300, 640], block: 4 },
  { text: 'Footer text far down the page with many words in it to cost a lot of tokens', box: [-10, 690, 1290, 730] },
  { text: 'Cancel', box: [900, 650, 1000, 690], block: 3 },
  { text: 'OK', box: [1100, 650, 1180, 690], block: 3 },
  { text: 'Ln 4, Col 1', box: [1000, 698, 1080, 716] },
];
const BUDGETS = [1000, 100, 60, 45, 30, 16, 8, 1];

const SCRIPT = `
import inspect, json, sys
from infimm.ocr_context import ocr_context
from infimm.tokenization import InfimmTokenizer, prompt_ids
request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
tokenizer = InfimmTokenizer(request["model"])
count = lambda text: len(tokenizer.sp.encode(text))
lines = [(text, tuple(box), block, number) for text, box, block, number in request["lines"]]
with_context = "context" in inspect.signature(prompt_ids).parameters
results = []
for question in request["questions"]:
    for budget in request["budgets"]:
        context = ocr_context(lines, request["width"], request["height"], count, budget, question)
        prompt = prompt_ids(tokenizer, True, [], question, context=context) if with_context else None
        results.append({"context": context, "ids": tokenizer.sp.encode(context), "prompt": prompt})
json.dump(results, sys.stdout)
`;

interface TwinResult {
  context: string;
  ids: number[];
  /** null while python/infimm/tokenization.prompt_ids takes no context. */
  prompt: number[] | null;
}

test('TypeScript and Python give the same OCR context text and prompt ids', async (t) => {
  if (!requireOrSkip(t, hasPythonModule('sentencepiece'), 'python3-sentencepiece')) return;
  const request = {
    model: TOKENIZER,
    width: WIDTH,
    height: HEIGHT,
    questions: QUESTIONS,
    budgets: BUDGETS,
    lines: LINES.map((l) => [l.text, l.box, l.block ?? null, l.lineNumber ?? null]),
  };
  const output = execFileSync(PYTHON, ['-c', SCRIPT], {
    cwd: join(ROOT, 'python'),
    input: JSON.stringify(request),
    maxBuffer: 1 << 24,
  });
  const results = JSON.parse(output.toString('utf8')) as TwinResult[];
  const tokenizer = await InfimmTokenizer.fromFile(TOKENIZER);
  const count = (text: string) => tokenizer.sentencePiece.encode(text).length;
  const entries = contextEntries(LINES, WIDTH, HEIGHT);
  /** Whether a line was skipped for its cost while a line tried after it was kept. */
  const skippedOne = (text: string) => {
    const kept = new Set(text.split('\n').slice(1, -1));
    const tried = (i: number, j: number) =>
      entries[i]!.height > entries[j]!.height || (entries[i]!.height === entries[j]!.height && i < j);
    return entries.some(
      (_, i) => !kept.has(entries[i]!.entry) && entries.some((_, j) => kept.has(entries[j]!.entry) && tried(i, j)),
    );
  };
  const kept: number[] = [];
  const texts: string[] = [];
  let skipped = false;
  for (const [q, question] of QUESTIONS.entries())
    for (const [b, budget] of BUDGETS.entries()) {
      const python = results[q * BUDGETS.length + b]!;
      const context = ocrContext(LINES, WIDTH, HEIGHT, count, budget, question);
      const where = `${question} budget ${budget}`;
      assert.equal(context.text, python.context, where);
      assert.deepEqual(tokenizer.sentencePiece.encode(context.text), python.ids, `${where}: ids of the context`);
      if (python.prompt === null)
        t.diagnostic('python prompt_ids takes no context yet: compared the context and its ids only');
      else
        assert.deepEqual(
          promptIds(tokenizer, { image: true, turns: [], context: context.text }, question),
          python.prompt,
          `${where}: prompt ids`,
        );
      kept.push(context.kept);
      texts.push(context.text);
      skipped ||= skippedOne(context.text);
    }
  // The fixture exercises every path: all lines, some (one skipped and a later one kept), and none; and a
  // question that keeps what another question's context leaves out; a command kept before its terminal's output.
  assert.deepEqual([kept[0], kept.at(-1)], [16, 0]);
  assert.ok(skipped, `kept ${kept.join(', ')}`);
  const asked = (q: number) => texts.slice(q * BUDGETS.length, (q + 1) * BUDGETS.length);
  assert.ok(asked(1).some((text, b) => text.includes(' 13: ') && !asked(2)[b]!.includes(' 13: ')));
  assert.ok(asked(0).some((text, b) => text.includes('Sound') && !asked(2)[b]!.includes('Sound')));
  assert.ok(texts.some((text) => text.includes('app$ du -sh .') && !text.includes('ok: 3 passed')));
});
