// Preparing an image before its first question, in the runtime host process: the question then finds the image
// memory and the OCR reading cached, a request about another image cancels the preparation, and a question about
// the image being prepared waits for that work instead of doing it again. Answers are compared with an engine in
// this process that never prepares.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CancelledError } from '../../src/common/errors.ts';
import type { ImageInput } from '../../src/common/protocol.ts';
import type { RuntimeClient } from '../../src/host/client.ts';
import { Engine } from '../../src/host/engine.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { config, testClient } from '../support/runtime-host.ts';
import { ocrContextPackage } from '../../harness/tiny-models.ts';

const torch = hasPythonModule('torch');
const FIXTURES = join(import.meta.dirname, '..', 'ocr', 'fixtures');
const QUESTION = 'What does it say?';
const OPTIONS = { maxNewTokens: 8 };

function fixture(name: string): ImageInput {
  return { name: `${name}.png`, bytes: readFileSync(join(FIXTURES, `${name}.png`)) };
}

describe('prepare', { skip: !torch && process.env.CI !== 'true' ? 'python3-torch is missing' : false }, () => {
  let modelDir: string;
  let client: RuntimeClient;
  /** Never prepares: what each first question answers without preparation. */
  let reference: Engine;
  before(async () => {
    if (!torch) throw new Error('python3-torch is missing; CI must install it');
    modelDir = await ocrContextPackage(120);
    client = testClient();
    await client.configure(config(modelDir));
    reference = new Engine(() => {});
    await reference.configure(config(modelDir));
  });
  after(() => client.dispose());

  const expected = (image: ImageInput) =>
    reference.ask(
      { id: image.name, kind: 'ask', conversationId: image.name, image, question: QUESTION, options: OPTIONS },
      () => {},
      () => false,
    );
  const ask = async (conversationId: string, image: ImageInput) =>
    await client.request({ kind: 'ask', conversationId, image, question: QUESTION, options: OPTIONS });

  test("a prepared image's first question reuses its image memory and OCR reading", async () => {
    const image = fixture('lines');
    assert.deepEqual(await client.request({ kind: 'prepare', image }), { kind: 'prepare', ocr: true });
    const answer = await ask('lines', image);
    const without = await expected(image);
    assert.equal(answer.answer, without.answer);
    assert.deepEqual(answer.stats.ocrContext, without.stats.ocrContext);
    assert.equal(without.stats.imageMemoryReused, false);
    assert.ok(without.stats.ocrMs! > 0);
    assert.equal(answer.stats.imageMemoryReused, true);
    assert.equal(answer.stats.ocrMs, undefined);
    assert.equal(answer.stats.visionMs, undefined);
  });

  test("a request about another image cancels a preparation; the other image's answer is right", async () => {
    const first = fixture('two-columns');
    const second = fixture('code');
    const preparing = client.request({ kind: 'prepare', image: first });
    const inspected = client.request({ kind: 'inspect', image: second });
    const answer = ask('code', second);
    await assert.rejects(preparing, CancelledError);
    assert.equal((await inspected).kind, 'inspect');
    const without = await expected(second);
    assert.equal((await answer).answer, without.answer);
    assert.deepEqual((await answer).stats.ocrContext, without.stats.ocrContext);
    assert.ok((await answer).stats.ocrMs! > 0, 'the other image was not prepared');
  });

  test('a question about the image being prepared waits for that work instead of repeating it', async () => {
    const image = fixture('upside-down');
    const preparing = client.request({ kind: 'prepare', image });
    const answer = await ask('upside-down', image);
    assert.deepEqual(await preparing, { kind: 'prepare', ocr: true }, 'the question did not cancel it');
    const without = await expected(image);
    assert.equal(answer.answer, without.answer);
    assert.deepEqual(answer.stats.ocrContext, without.stats.ocrContext);
    assert.equal(answer.stats.imageMemoryReused, true);
    assert.equal(answer.stats.ocrMs, undefined);
    assert.ok(
      answer.stats.queuedMs! > 0 && answer.stats.timeToFirstTokenMs > answer.stats.queuedMs!,
      'the wait counts in the time to the first token',
    );
  });

  test('with the OCR context off, a preparation reads no text', async () => {
    const image = fixture('wide');
    await client.configure(config(modelDir, { ocrContext: 'off' }));
    try {
      assert.deepEqual(await client.request({ kind: 'prepare', image }), { kind: 'prepare', ocr: false });
    } finally {
      await client.configure(config(modelDir));
    }
    const answer = await ask('wide', image);
    assert.equal(answer.stats.imageMemoryReused, true);
    assert.ok(answer.stats.ocrMs! > 0, 'the OCR context is read when the question needs it');
  });
});

test('prepare tests need python3-torch for their tiny model', (t) => {
  requireOrSkip(t, torch, 'python3-torch');
});
