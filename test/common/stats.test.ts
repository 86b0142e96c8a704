import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnswerStats } from '../../src/common/protocol.ts';
import { statsLine } from '../../src/common/stats.ts';

const stats: AnswerStats = {
  providers: { vision: 'cpu', memory: 'cpu', decoder: 'cpu' },
  grid: { rows: 1, cols: 2, tileSize: 112, views: 3 },
  visionMs: 50.2,
  ocrMs: 310.7,
  ocrContext: { state: 'used', lines: 9, keptLines: 9, tokens: 120 },
  timeToFirstTokenMs: 420,
  newTokens: 5,
  tokensPerSecond: 80,
  peakRssBytes: 300 * 2 ** 20,
  stopReason: 'end',
};

test('the CLI stats line shows the OCR time and the lines given to the model', () => {
  assert.equal(
    statsLine(stats),
    'cpu · grid 1×2, 3 views · vision 50 ms · OCR 311 ms · first token 420 ms · 80.0 tokens/s (5 tokens) · peak 300 MiB · OCR context: 9 of 9 lines, 120 tokens',
  );
});

test('a follow-up reuses the OCR: no OCR time', () => {
  const { ocrMs: _ocrMs, visionMs: _visionMs, ...followUp } = stats;
  assert.equal(
    statsLine({ ...followUp, imageMemoryReused: true }),
    'cpu · grid 1×2, 3 views · image memory reused · first token 420 ms · 80.0 tokens/s (5 tokens) · peak 300 MiB · OCR context: 9 of 9 lines, 120 tokens',
  );
});

test('an OCR failure is named', () => {
  assert.match(
    statsLine({ ...stats, ocrContext: { state: 'failed', error: 'OCR was given a 0×0 image.' } }),
    /· Answered without the image's text: OCR failed: OCR was given a 0×0 image\.$/,
  );
});
