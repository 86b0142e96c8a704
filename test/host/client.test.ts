// The client's side of the protocol against a stand-in host that answers each kind of request in one fixed way:
// a result of the request's own kind, a result of another kind (a broken host), a cancel, a stream cut by a cancel.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CancelledError } from '../../src/common/errors.ts';
import type { ImageInfo } from '../../src/common/protocol.ts';
import { RuntimeClient, RuntimeRequestError } from '../../src/host/client.ts';

const INFO: ImageInfo = { width: 3, height: 2, format: 'png', grid: { rows: 1, cols: 1, tileSize: 224, views: 2 } };

const STAND_IN = `
const answers = {
  inspect: (id) => ({ id, kind: 'done', result: { kind: 'inspect', info: ${JSON.stringify(INFO)} } }),
  prepare: (id) => ({ id, kind: 'done', result: { kind: 'endConversation' } }),
  ask: (id) => ({ id, kind: 'cancelled' }),
};
// 'stream' asks send text until their cancel arrives, as a decoder does between two steps.
const streams = new Map();
process.on('message', (request) => {
  if (request.kind === 'cancel') {
    clearInterval(streams.get(request.target));
    return process.send({ id: request.target, kind: 'cancelled' });
  }
  if (request.question === 'stream') return streams.set(request.id, setInterval(() => process.send({ id: request.id, kind: 'text', text: 'x' }), 1));
  process.send(answers[request.kind](request.id));
});
process.on('disconnect', () => process.exit(0));
`;

const dir = mkdtempSync(join(tmpdir(), 'client-'));
writeFileSync(join(dir, 'host.cjs'), STAND_IN);
const client = new RuntimeClient({ hostScript: join(dir, 'host.cjs'), log: () => {} });
after(async () => {
  await client.dispose();
  rmSync(dir, { recursive: true, force: true });
});
const image = { name: 'a.png', bytes: new Uint8Array([1, 2, 3]) };

test('a request resolves with the result of its own kind', async () => {
  const inspected = await client.request({ kind: 'inspect', image });
  assert.deepEqual(inspected.info, INFO);
});

test("a result of another kind is the host's error, not the caller's result", async () => {
  await assert.rejects(
    client.request({ kind: 'prepare', image }),
    (e: unknown) =>
      e instanceof RuntimeRequestError &&
      e.info.code === 'internal' &&
      /answered a request of kind prepare with a result of kind endConversation/.test(e.info.message),
  );
});

test('a request the host cancelled, or one cancelled before it was sent, rejects with CancelledError', async () => {
  await assert.rejects(client.request({ kind: 'ask', conversationId: 'c', question: '?' }), CancelledError);
  await assert.rejects(client.request({ kind: 'inspect', image }, {}, AbortSignal.abort()), CancelledError);
});

test('no text reaches the caller after its cancel, though the host sent some before the cancel reached it', async () => {
  const controller = new AbortController();
  let chunks = 0;
  let afterAbort = 0;
  const onText = () => {
    chunks++;
    if (controller.signal.aborted) afterAbort++;
    if (chunks === 3) controller.abort();
  };
  await assert.rejects(
    client.request({ kind: 'ask', conversationId: 's', question: 'stream' }, { onText }, controller.signal),
    CancelledError,
  );
  assert.deepEqual([chunks, afterAbort], [3, 0]);
});
