// OCR context in the runtime: the first question about an image carries its OCR lines, one OCR run per image
// serves the answer and the OCR tab, follow-ups keep it, a cancel stops it, and an OCR failure costs only the
// context. The engine runs in this process, with the real OCR models (or broken ones put in their place).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { CancelledError } from '../../src/common/errors.ts';
import type { ImageInput, OcrContextStats, ResultOf } from '../../src/common/protocol.ts';
import { Engine } from '../../src/host/engine.ts';
import { decodeImage } from '../../src/image/decode.ts';
import { OcrError, type OcrModelFiles } from '../../src/ocr/index.ts';
import { contextLines, ocrContext } from '../../src/tokens/ocr-context.ts';
import { InfimmTokenizer } from '../../src/tokens/tokenizer.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { config } from '../support/runtime-host.ts';
import { ocrContextPackage, tinyPackage } from '../../harness/tiny-models.ts';

const torch = hasPythonModule('torch');
const FIXTURES = join(import.meta.dirname, '..', 'ocr', 'fixtures');
const QUESTION = 'What does it say?';
/** The budget the test package declares; its model's context is 512 tokens. */
const MAX_TOKENS = 120;

function fixture(name: string): ImageInput {
  return { name: `${name}.png`, bytes: readFileSync(join(FIXTURES, `${name}.png`)) };
}

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'infimm-ocr-context-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function ask(
  engine: Engine,
  conversationId: string,
  question: string,
  image?: ImageInput,
  shouldCancel = () => false,
): Promise<ResultOf<'ask'>> {
  return engine.ask(
    {
      id: conversationId,
      kind: 'ask',
      conversationId,
      ...(image ? { image } : {}),
      question,
      options: { maxNewTokens: 8 },
    },
    () => {},
    shouldCancel,
  );
}

function used(stats: OcrContextStats | undefined): Extract<OcrContextStats, { state: 'used' }> {
  assert.equal(stats?.state, 'used', JSON.stringify(stats));
  return stats as Extract<OcrContextStats, { state: 'used' }>;
}

/** A cached OCR reading never asks whether to stop; a fresh one asks at once and stops. */
const stopAtOnce = () => true;

describe('OCR context', { skip: !torch && process.env.CI !== 'true' ? 'python3-torch is missing' : false }, () => {
  /** The tiny test package, with a manifest that declares an OCR context, as one trained with it does. */
  let declared: string;
  let engine: Engine;
  before(async () => {
    if (!torch) throw new Error('python3-torch is missing; CI must install it');
    declared = await ocrContextPackage(MAX_TOKENS);
    engine = new Engine(() => {});
    await engine.configure(config(declared));
  });

  test("the first question carries the OCR lines right after <image>, from the OCR tab's reading of the same bytes", async () => {
    const image = fixture('lines');
    const read = await engine.ocr({ id: 'o', kind: 'ocr', image, layout: 'auto' }, () => false);
    assert.ok(read.lines.length >= 3);
    const first = await ask(engine, 'lines', QUESTION, image);
    assert.equal(first.stats.ocrMs, undefined, "the OCR request's reading was reused");

    const tokenizer = await InfimmTokenizer.fromFile(join(declared, 'tokenizer.model'));
    const { width, height } = await decodeImage(image.bytes, { name: image.name, maxPixels: 1e8 });
    const expected = ocrContext(
      contextLines(read.lines),
      width,
      height,
      (text) => tokenizer.sentencePiece.encode(text).length,
      MAX_TOKENS,
    );
    assert.ok(expected.kept > 0);
    assert.deepEqual(first.stats.ocrContext, {
      state: 'used',
      lines: expected.lines,
      keptLines: expected.kept,
      tokens: expected.tokens,
    });

    // The same ids as a question that starts with the context text, asked without OCR context: the same answer.
    await engine.configure(config(declared, { ocrContext: 'off' }));
    try {
      const typed = await ask(engine, 'lines-typed', expected.text + QUESTION, image);
      assert.deepEqual(typed.stats.ocrContext, { state: 'off' });
      assert.equal(typed.stats.ocrMs, undefined);
      assert.equal(first.answer, typed.answer);
    } finally {
      await engine.configure(config(declared));
    }
  });

  test("an answer's OCR run serves the OCR tab; follow-ups keep the context without OCR", async () => {
    const image = fixture('two-columns');
    const first = await ask(engine, 'columns', QUESTION, image);
    const context = used(first.stats.ocrContext);
    assert.ok(first.stats.ocrMs! > 0);
    assert.ok(first.stats.timeToFirstTokenMs > first.stats.ocrMs!, 'the time to the first token counts the OCR');

    const tab = await engine.ocr({ id: 'o', kind: 'ocr', image, layout: 'auto' }, stopAtOnce);
    assert.equal(tab.lines.filter((l) => l.text.trim() !== '').length, context.lines);
    await assert.rejects(
      engine.ocr({ id: 'o', kind: 'ocr', image, rect: { x: 0, y: 0, width: 300, height: 100 } }, stopAtOnce),
      CancelledError,
      'a part of the image is read afresh',
    );
    await assert.rejects(
      engine.ocr({ id: 'o', kind: 'ocr', image, layout: 'code' }, stopAtOnce),
      CancelledError,
      'so is another layout',
    );

    const followUp = await ask(engine, 'columns', 'And the second column?');
    assert.equal(followUp.stats.ocrMs, undefined);
    assert.equal(followUp.stats.imageMemoryReused, true);
    assert.deepEqual(followUp.stats.ocrContext, first.stats.ocrContext);
  });

  test('a cancel during OCR stops the answer and caches nothing', async () => {
    const image = fixture('code');
    // With the image memory cached, OCR is the first model run of the next question about the image.
    await engine.configure(config(declared, { ocrContext: 'off' }));
    await ask(engine, 'code-warm', QUESTION, image);
    await engine.configure(config(declared));
    await assert.rejects(ask(engine, 'code-cancelled', QUESTION, image, stopAtOnce), CancelledError);
    const next = await ask(engine, 'code', QUESTION, image);
    used(next.stats.ocrContext);
    assert.ok(next.stats.ocrMs! > 0, 'OCR ran again');
  });

  test("when OCR fails, the model answers without the image's text and the stats say why", async () => {
    const image = fixture('upside-down');
    await engine.configure(config(declared, { ocrContext: 'off' }));
    const alone = await ask(engine, 'alone', QUESTION, image);
    await engine.configure(config(declared));

    const dir = scratch();
    writeFileSync(join(dir, 'corrupt.onnx'), 'not an ONNX model');
    const cases: Array<[string, Partial<OcrModelFiles>, RegExp]> = [
      [
        'a missing model file',
        { detection: join(dir, 'missing.onnx') },
        /text detection model file ".*missing\.onnx" does not exist/,
      ],
      [
        'a corrupt model file',
        { recognition: join(dir, 'corrupt.onnx') },
        /text recognition model file ".*corrupt\.onnx" is not a valid ONNX model/,
      ],
    ];
    for (const [what, models, message] of cases) {
      const log: string[] = [];
      const broken = new Engine((line) => log.push(line), { ocr: { models } });
      await broken.configure(config(declared));
      const answer = await ask(broken, 'broken', QUESTION, image);
      const context = answer.stats.ocrContext;
      assert.ok(context?.state === 'failed', what);
      assert.match(context.error, message, what);
      assert.equal(answer.answer, alone.answer, `${what}: the answer of the model without OCR context`);
      assert.ok(answer.stats.ocrMs! >= 0);
      assert.ok(
        log.some((line) => /OCR failed/.test(line)),
        `${what}: logged`,
      );
      await assert.rejects(
        broken.ocr({ id: 'o', kind: 'ocr', image }, () => false),
        (e: unknown) => e instanceof OcrError && message.test(e.message),
        `${what}: the OCR tab gets the error`,
      );
    }
  });

  test('auto follows the manifest; on gives any model the context; off never', async () => {
    const image = fixture('lines');
    const plain = new Engine(() => {});
    const undeclared = await tinyPackage();
    await plain.configure(config(undeclared));
    assert.deepEqual((await ask(plain, 'auto', QUESTION, image)).stats.ocrContext, { state: 'off' });
    await plain.configure(config(undeclared, { ocrContext: 'on' }));
    const on = used((await ask(plain, 'on', QUESTION, image)).stats.ocrContext);
    assert.ok(on.keptLines > 0 && on.tokens <= 512);
    await plain.configure(config(declared, { ocrContext: 'off' }));
    assert.deepEqual((await ask(plain, 'off', QUESTION, image)).stats.ocrContext, { state: 'off' });
    assert.equal((await ask(plain, 'text only', QUESTION)).stats.ocrContext, undefined, 'no image, no OCR context');
  });
});

test('OCR context tests need python3-torch for their tiny model', (t) => {
  requireOrSkip(t, torch, 'python3-torch');
});
