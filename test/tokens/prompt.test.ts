import assert from 'node:assert/strict';
import { test } from 'node:test';
import { followUpIds, promptIds, SYSTEM_PROMPT } from '../../src/tokens/prompt.ts';
import { TextStreamer } from '../../src/generation/streamer.ts';
import { InfimmTokenizer } from '../../src/tokens/tokenizer.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { testTokenizerModel } from '../../harness/tokenizer-model.ts';
import { CONVERSATIONS } from './conversations.ts';

async function tokenizer(t: Parameters<typeof requireOrSkip>[0]): Promise<InfimmTokenizer | undefined> {
  if (!requireOrSkip(t, hasPythonModule('sentencepiece'), 'python3-sentencepiece (trains the test tokenizer)')) return;
  return InfimmTokenizer.fromFile(await testTokenizerModel());
}

test('the prompt is the Vicuna text of InfiMM-HD training, split on its added tokens', async (t) => {
  const tok = await tokenizer(t);
  if (!tok) return;
  const conversation = CONVERSATIONS[1]!;
  const text =
    `${SYSTEM_PROMPT} USER: <image>What does the chart show? ASSISTANT: The chart shows the number of users per day.<|endofchunk|>` +
    ' USER: Which day is highest? ASSISTANT: Friday, with 1234 users.<|endofchunk|> USER: Why? ASSISTANT:';
  const ids = promptIds(tok, conversation, conversation.question);
  assert.deepEqual(ids, tok.encode(text, { addBos: true }));
  assert.equal(tok.decode(ids), text);
  assert.equal(ids[0], tok.bos);
  assert.equal(ids.filter((id) => id === tok.image).length, 1);
  assert.equal(ids.filter((id) => id === tok.endOfChunk).length, 2);
});

test('without an image there is no <image> token', async (t) => {
  const tok = await tokenizer(t);
  if (!tok) return;
  const ids = promptIds(tok, { image: false, turns: [] }, 'Hello?');
  assert.deepEqual(ids, tok.encode(`${SYSTEM_PROMPT} USER: Hello? ASSISTANT:`, { addBos: true }));
  assert.ok(!ids.includes(tok.image));
});

test('added-token strings typed in questions and answers stay text', async (t) => {
  const tok = await tokenizer(t);
  if (!tok) return;
  const conversation = CONVERSATIONS[4]!;
  const ids = promptIds(tok, conversation, conversation.question);
  assert.equal(ids.filter((id) => id === tok.image).length, 1, 'only the image slot');
  assert.equal(ids.filter((id) => id === tok.endOfChunk).length, 1, 'only the end of the one answer');
  assert.match(tok.decode(ids), /What does <image> mean in HTML\? And <\|endofchunk\|>\? ASSISTANT: They are <image>/);
});

test('KV cache + follow-up ids = the whole conversation, turn after turn', async (t) => {
  const tok = await tokenizer(t);
  if (!tok) return;
  for (const { image, turns, question } of CONVERSATIONS.filter((c) => c.turns.length > 0)) {
    const questions = [...turns.map((turn) => turn.question), question];
    let cache = promptIds(tok, { image, turns: [] }, questions[0]!);
    for (let k = 0; k < turns.length; k++) {
      const whole = promptIds(tok, { image, turns: turns.slice(0, k + 1) }, questions[k + 1]!);
      // The model answers with SentencePiece's own encoding of the answer: what `whole` holds after the prompt.
      assert.deepEqual(whole.slice(0, cache.length), cache, `turn ${k}: the prompt is a prefix of the whole`);
      const answer = whole.slice(cache.length, whole.indexOf(tok.endOfChunk, cache.length) + 1);
      const streamer = new TextStreamer(tok);
      for (const id of answer) streamer.push(id);
      assert.equal(streamer.text, turns[k]!.answer, `turn ${k}: the answer streams back`);

      const { keep, append } = followUpIds(tok, [...cache, ...answer], questions[k + 1]!);
      cache = [...cache, ...answer].slice(0, keep).concat(append);
      assert.deepEqual(cache, whole, `turn ${k}`);
    }
  }
});

test('an answer cut short is closed with <|endofchunk|>, and an EOS is replaced by it', async (t) => {
  const tok = await tokenizer(t);
  if (!tok) return;
  const prompt = promptIds(tok, { image: true, turns: [] }, 'Describe it.');
  const next = tok.encodeSegments([' USER: More? ASSISTANT:']);
  const answer = tok.sentencePiece.encode('It is a cat');
  const cases: [number[], number, number[]][] = [
    [[...prompt, ...answer, tok.endOfChunk], prompt.length + answer.length + 1, next],
    [[...prompt, ...answer], prompt.length + answer.length, [tok.endOfChunk, ...next]],
    [[...prompt, ...answer, tok.eos], prompt.length + answer.length, [tok.endOfChunk, ...next]],
  ];
  for (const [cached, keep, append] of cases) assert.deepEqual(followUpIds(tok, cached, 'More?'), { keep, append });
  assert.throws(() => followUpIds(tok, [], 'More?'), /start one with promptIds/);
});
