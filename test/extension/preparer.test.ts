// The extension's side of preparing: the image shown is sent for preparation, showing another cancels the
// preparation of the one before, and a failure only reaches the log.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CancelledError } from '../../src/common/errors.ts';
import type { ImageInput, RequestOf, ResultOf } from '../../src/common/protocol.ts';
import { RuntimeRequestError } from '../../src/host/client.ts';
import { Preparer } from '../../src/extension/preparer.ts';

interface Sent {
  image: ImageInput;
  signal: AbortSignal;
  settle: (outcome: ResultOf<'prepare'> | Error) => void;
}

/** A runtime that answers each prepare when the test says so; an abort makes it answer 'cancelled', as the client does. */
function fakeRuntime() {
  const sent: Sent[] = [];
  const send = (request: RequestOf<'prepare'>, signal: AbortSignal) =>
    new Promise<ResultOf<'prepare'>>((resolve, reject) => {
      const settle = (outcome: ResultOf<'prepare'> | Error) =>
        outcome instanceof Error ? reject(outcome) : resolve(outcome);
      signal.addEventListener('abort', () => settle(new CancelledError()), { once: true });
      sent.push({ image: request.image, signal, settle });
    });
  return { sent, send };
}

const image = (name: string): ImageInput => ({ name, bytes: new TextEncoder().encode(name) });

test('showing an image sends its prepare; showing another cancels it', async () => {
  const { sent, send } = fakeRuntime();
  const log: string[] = [];
  const preparer = new Preparer(send, (line) => log.push(line));

  const first = preparer.prepare(image('a.png'));
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0]!.image, image('a.png'));
  assert.equal(sent[0]!.signal.aborted, false);

  const second = preparer.prepare(image('b.png'));
  assert.equal(sent[0]!.signal.aborted, true, "the first image's preparation is cancelled");
  assert.deepEqual(sent[1]!.image, image('b.png'));
  await first;
  sent[1]!.settle({ kind: 'prepare', ocr: true });
  await second;
  assert.deepEqual(log, ['prepare: a.png cancelled', 'prepare: b.png ready, with its OCR context']);

  const third = preparer.prepare(image('c.png'));
  preparer.cancel();
  await third;
  assert.equal(sent[2]!.signal.aborted, true);
});

test('a failed prepare is logged, never thrown', async () => {
  const { sent, send } = fakeRuntime();
  const log: string[] = [];
  const preparer = new Preparer(send, (line) => log.push(line));
  const prepared = preparer.prepare(image('broken.png'));
  sent[0]!.settle(new RuntimeRequestError({ code: 'bad-image', message: 'The image could not be decoded.' }));
  await prepared;
  assert.deepEqual(log, ['prepare: broken.png failed (the question will say why): The image could not be decoded.']);
});
