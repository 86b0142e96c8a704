import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFromWebview, PRESET_IDS, PRESETS } from '../../src/common/panel-protocol.ts';

test('accepts every well-formed message from the webview', () => {
  const messages = [
    { type: 'ready' },
    { type: 'ask', question: 'What is this?' },
    { type: 'ask', question: PRESETS.describe.question, preset: 'describe' },
    { type: 'cancel' },
    { type: 'runOcr' },
    { type: 'imageDropped', name: 'pasted image', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' },
    { type: 'openUris', uris: ['file:///tmp/a.png'] },
    { type: 'inputRejected', message: 'not an image' },
    { type: 'copy', text: 'x' },
    { type: 'insertAtCursor', text: 'x' },
    { type: 'openDocument', text: 'x', language: 'plaintext' },
    { type: 'insertAltText', turnId: 't1' },
    { type: 'openLink', href: 'https://example.org' },
    { type: 'dismissError' },
  ];
  for (const message of messages) assert.deepEqual(parseFromWebview(message), message, JSON.stringify(message));
});

test('rejects malformed messages instead of acting on them', () => {
  const bad: unknown[] = [
    null,
    'ready',
    {},
    { type: 'explode' },
    { type: 'ask' },
    { type: 'ask', question: '   ' },
    { type: 'ask', question: 'q', preset: 'jailbreak' },
    { type: 'imageDropped', name: 'x', dataUrl: 'https://example.org/x.png' },
    { type: 'openUris', uris: [] },
    { type: 'copy', text: 42 },
    { type: 'insertAltText' },
  ];
  for (const message of bad) assert.equal(parseFromWebview(message), undefined, JSON.stringify(message));
});

test('questions are trimmed and unknown keys dropped', () => {
  assert.deepEqual(parseFromWebview({ type: 'ask', question: '  Why?  ', extra: 1 }), {
    type: 'ask',
    question: 'Why?',
  });
});

test('there are exactly the five presets the panel shows, each with a question', () => {
  assert.deepEqual(PRESET_IDS, ['describe', 'explain-ui', 'describe-diagram', 'extract-text', 'alt-text']);
  for (const id of PRESET_IDS) assert.ok(PRESETS[id].question.length > 10 && PRESETS[id].label.length > 0);
});
