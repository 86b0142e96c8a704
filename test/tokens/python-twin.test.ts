import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promptIds } from '../../src/tokens/prompt.ts';
import { mulberry32 } from '../../src/tokens/random.ts';
import { InfimmTokenizer } from '../../src/tokens/tokenizer.ts';
import { hasPythonModule, PYTHON, requireOrSkip } from '../../harness/requirements.ts';
import { testTokenizerModel } from '../../harness/tokenizer-model.ts';
import { CONVERSATIONS, type TestConversation } from './conversations.ts';
import { sampleTexts } from './sample-texts.ts';

interface TwinResult {
  prompt: number[];
  ids: number[];
  labels: number[];
  encoded: number[];
}

const IGNORE_INDEX = -100;

/** Fixed conversations plus random ones drawn from the tokenizer test strings. */
function conversations(): TestConversation[] {
  const random = mulberry32(3);
  const texts = sampleTexts(400, 11).filter((text) => text.trim() !== '');
  const text = (): string => texts[Math.floor(random() * texts.length)]!;
  const generated = Array.from({ length: 40 }, () => ({
    image: random() < 0.7,
    turns: Array.from({ length: Math.floor(random() * 4) }, () => ({ question: text(), answer: text() })),
    question: text() + (random() < 0.2 ? ' <image> <|endofchunk|>' : ''),
  }));
  return [...CONVERSATIONS, ...generated];
}

test('TypeScript and Python build the same prompt ids; Python labels exactly the answers', async (t) => {
  if (!requireOrSkip(t, hasPythonModule('sentencepiece'), 'python3-sentencepiece')) return;
  const model = await testTokenizerModel();
  const tokenizer = await InfimmTokenizer.fromFile(model);
  const cases = conversations();
  const output = execFileSync(PYTHON, [fileURLToPath(new URL('twin.py', import.meta.url))], {
    input: JSON.stringify({ model, conversations: cases }),
    env: { ...process.env, PYTHONPATH: fileURLToPath(new URL('../../python', import.meta.url)) },
    maxBuffer: 1 << 28,
  });
  const results = JSON.parse(output.toString('utf8')) as TwinResult[];
  assert.equal(results.length, cases.length);

  for (const [i, { image, turns, question }] of cases.entries()) {
    const python = results[i]!;
    const label = `conversation ${i}`;
    assert.deepEqual(python.prompt, promptIds(tokenizer, { image, turns }, question), label);
    assert.deepEqual(python.encoded, tokenizer.encode(question, { addBos: true }), `${label}: encode`);

    // Training ids are the prompt for any next question, less that question's own text.
    const next = tokenizer.encodeSegments([` USER: ${question} ASSISTANT:`]);
    const expectedIds =
      turns.length > 0 ? promptIds(tokenizer, { image, turns }, question).slice(0, -next.length) : python.ids;
    assert.deepEqual(python.ids, expectedIds, `${label}: training ids`);

    // Labels: each answer's tokens and the <|endofchunk|> after it, nothing else.
    assert.equal(python.labels.length, python.ids.length);
    const answers: number[][] = [];
    python.labels.forEach((labelId, position) => {
      if (labelId === IGNORE_INDEX) return;
      assert.equal(labelId, python.ids[position], `${label}: a label is the token itself`);
      if (python.labels[position - 1] === IGNORE_INDEX) answers.push([]);
      answers.at(-1)!.push(labelId);
    });
    assert.deepEqual(
      answers.map((ids) => [tokenizer.decode(ids.slice(0, -1)), ids.at(-1)]),
      turns.map((turn) => [turn.answer, tokenizer.endOfChunk]),
      `${label}: labelled tokens are the answers`,
    );
  }
});
