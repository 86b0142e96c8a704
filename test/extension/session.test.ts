import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnswerStats } from '../../src/common/protocol.ts';
import { Session, type SessionImage } from '../../src/extension/session.ts';

const image = (name = 'ui.png'): SessionImage => ({ name, mimeType: 'image/png', bytes: new Uint8Array([1, 2, 3]) });
const stats = (stopReason: AnswerStats['stopReason'] = 'end'): AnswerStats => ({
  providers: { decoder: 'cpu' },
  timeToFirstTokenMs: 1,
  newTokens: 2,
  tokensPerSecond: 3,
  peakRssBytes: 4,
  stopReason,
});

test('follow-up questions reuse the conversation; the image travels only with the first', () => {
  const session = new Session();
  session.setImage(image());
  const first = session.nextConversation(0);
  assert.equal(first.sendImage, true);
  const second = session.nextConversation(0);
  assert.deepEqual(second, { id: first.id, sendImage: false, restarted: false });
});

test('after the runtime restarted, the next question starts a new conversation with the image', () => {
  const session = new Session();
  session.setImage(image());
  const first = session.nextConversation(0);
  const after = session.nextConversation(1);
  assert.notEqual(after.id, first.id);
  assert.equal(after.sendImage, true);
  assert.equal(after.restarted, true);
});

test('each image keeps its conversation: switching back restores the turns and the runtime conversation', () => {
  const session = new Session();
  session.setImage(image('a.png'));
  const { id } = session.nextConversation(0);
  session.finishTurn(session.startTurn('q').id, 'answer', stats());
  assert.deepEqual(
    session.setImage({ ...image('b.png'), bytes: new Uint8Array([9]) }),
    [],
    'nothing is freed: a.png is kept',
  );
  assert.deepEqual(session.turns, []);
  assert.match(
    session.toState({ ocrEnabled: true }).conversationNote ?? '',
    /^New image, new conversation\. The one about a\.png is kept/,
  );
  assert.equal(session.nextConversation(0).sendImage, true);
  session.setImage(image('a.png'));
  assert.deepEqual(
    session.toState({ ocrEnabled: true }).turns.map((t) => t.answer),
    ['answer'],
  );
  assert.equal(session.toState({ ocrEnabled: true }).conversationNote, 'Back to a.png: its conversation continues.');
  assert.deepEqual(
    session.nextConversation(0),
    { id, sendImage: false, restarted: false },
    'the model still has its memory of a.png',
  );
});

test('an answer cut short by switching images stays cancelled; past four kept conversations the oldest is freed', () => {
  const session = new Session();
  const ids: string[] = [];
  const dropped: string[] = [];
  for (let i = 0; i < 6; i++) {
    dropped.push(...session.setImage({ ...image(`${i}.png`), bytes: new Uint8Array([i]) }));
    ids.push(session.nextConversation(0).id);
    session.startTurn('q');
  }
  dropped.push(...session.setImage({ ...image('last.png'), bytes: new Uint8Array([99]) }));
  assert.deepEqual(dropped, [ids[0], ids[1]], 'six left behind, four kept');
  session.setImage({ ...image('5.png'), bytes: new Uint8Array([5]) });
  assert.deepEqual(
    session.turns.map((t) => t.status),
    ['cancelled'],
  );
});

test('streaming text accumulates; the done result is authoritative', () => {
  const session = new Session();
  session.setImage(image());
  const turn = session.startTurn('Describe');
  assert.equal(session.busy, true);
  session.appendAnswer(turn.id, 'A ');
  session.appendAnswer(turn.id, 'form');
  assert.deepEqual([turn.answer, turn.status], ['A form', 'streaming']);
  session.finishTurn(turn.id, 'A form.', stats());
  assert.deepEqual([turn.answer, turn.status, session.busy], ['A form.', 'done', false]);
});

test('a failure keeps earlier turns, the partial answer and the conversation; the error belongs to its turn', () => {
  const session = new Session();
  session.setImage(image());
  const { id } = session.nextConversation(0);
  const ok = session.startTurn('first');
  session.finishTurn(ok.id, 'fine', stats());
  const bad = session.startTurn('second');
  session.appendAnswer(bad.id, 'half');
  session.endTurn(bad.id, 'failed', { message: 'The runtime stopped.', hint: 'Restart it.' });
  assert.deepEqual(
    session.turns.map((t) => [t.answer, t.status]),
    [
      ['fine', 'done'],
      ['half', 'failed'],
    ],
  );
  assert.equal(session.busy, false);
  assert.equal(session.nextConversation(0).id, id);
  const state = session.toState({ ocrEnabled: true });
  assert.equal(state.turns[1]?.error?.message, 'The runtime stopped.');
  assert.equal(state.turns[0]?.error, undefined);
  assert.equal(state.error, undefined, 'not a panel-wide error that would outlive the turn');
});

test('errors and an unreadable image go with the image: a new image, or none, clears them', () => {
  const session = new Session();
  session.setImage(image('broken.png'));
  session.unreadable = true;
  session.error = { message: 'broken.png could not be read.' };
  assert.equal(session.toState({ ocrEnabled: true }).imageUnreadable, true);
  session.setImage(image('fine.png'));
  assert.deepEqual([session.unreadable, session.error], [false, undefined]);
  session.setImage(undefined);
  session.error = { message: 'https://example.org/a.png is not fetched.' };
  const state = session.toState({ ocrEnabled: true });
  assert.equal(state.imageName, undefined, 'the failed link does not sit under the earlier image');
  assert.match(state.error?.message ?? '', /not fetched/);
});

test('a cancelled answer is marked cancelled, whether the runtime or the user stopped it', () => {
  const session = new Session();
  session.setImage(image());
  const a = session.startTurn('a');
  session.finishTurn(a.id, 'part', stats('cancelled'));
  const b = session.startTurn('b');
  session.endTurn(b.id, 'cancelled');
  assert.deepEqual(
    session.turns.map((t) => t.status),
    ['cancelled', 'cancelled'],
  );
});

test('a first turn that failed is forgotten, so the image is sent again', () => {
  const session = new Session();
  session.setImage(image());
  session.nextConversation(0);
  session.dropConversation();
  assert.equal(session.nextConversation(0).sendImage, true);
});

test('the panel state carries the image facts, OCR and the alt-text target', () => {
  const session = new Session();
  session.setImage(image('diagram.png'));
  session.info = { width: 900, height: 480, format: 'png', grid: { rows: 1, cols: 2, tileSize: 448, views: 3 } };
  const state = session.toState({ ocrEnabled: false, altTextTarget: 'the image link to diagram.png' });
  assert.deepEqual(state, {
    turns: [],
    busy: false,
    ocr: { status: 'idle' },
    ocrEnabled: false,
    imageName: 'diagram.png',
    imageSize: { width: 900, height: 480 },
    grid: { rows: 1, cols: 2, tileSize: 448, views: 3 },
    altTextTarget: 'the image link to diagram.png',
  });
});
