import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnswerStats } from '../../src/common/protocol.ts';
import { formatStats } from '../../webview/stats.ts';

const base: AnswerStats = {
  providers: { vision: 'cuda', memory: 'cuda', decoder: 'cpu' },
  grid: { rows: 3, cols: 4, tileSize: 448, views: 13 },
  visionMs: 15_250,
  timeToFirstTokenMs: 980.4,
  newTokens: 256,
  tokensPerSecond: 21.456,
  peakRssBytes: 2e9,
  stopReason: 'length',
};

test('names each provider once, the grid, vision time, first token, speed and length', () => {
  assert.equal(formatStats(base), 'cuda + cpu · grid 3×4, 13 views · vision 15.3 s · first token 980 ms · 21.5 tokens/s · 256 tokens (length limit reached)');
});

test('a follow-up says the image memory was reused instead of a vision time', () => {
  const { grid: _grid, ...rest } = base;
  assert.equal(
    formatStats({ ...rest, providers: { decoder: 'cpu' }, imageMemoryReused: true, stopReason: 'end', newTokens: 12 }),
    'cpu · image memory reused · first token 980 ms · 21.5 tokens/s · 12 tokens',
  );
});

test('a cancelled answer says so', () => {
  assert.match(formatStats({ ...base, stopReason: 'cancelled' }), /\(cancelled\)$/);
});
