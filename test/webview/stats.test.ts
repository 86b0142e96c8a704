import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnswerStats } from '../../src/common/protocol.ts';
import { compactStats, formatStats } from '../../webview/stats.ts';

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
  assert.equal(
    formatStats(base),
    'cuda + cpu · grid 3×4, 13 views · vision 15.3 s · first token 980 ms · 21.5 tokens/s · 256 tokens (length limit reached)',
  );
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

test("OCR time, and the lines of the image's text the model was given, last", () => {
  const used = { ...base, ocrMs: 420.4, ocrContext: { state: 'used', lines: 15, keptLines: 12, tokens: 230 } } as const;
  assert.equal(
    formatStats(used),
    'cuda + cpu · grid 3×4, 13 views · vision 15.3 s · OCR 420 ms · first token 980 ms · 21.5 tokens/s · 256 tokens (length limit reached) · OCR context: 12 of 15 lines, 230 tokens',
  );
  assert.match(
    formatStats({ ...base, ocrContext: { state: 'used', lines: 0, keptLines: 0, tokens: 8 } }),
    /· OCR context: no text found$/,
  );
  assert.doesNotMatch(formatStats({ ...base, ocrContext: { state: 'off' } }), /OCR/);
});

test("an answer without the image's text because OCR failed says so", () => {
  const failed = {
    ...base,
    ocrMs: 12,
    ocrContext: { state: 'failed', error: 'The OCR text detection model file "det.onnx" does not exist.' },
  } as const;
  assert.match(
    formatStats(failed),
    / · OCR 12 ms · .* · Answered without the image's text: OCR failed: The OCR text detection model file "det\.onnx" does not exist\.$/,
  );
});

test('the compact line: total time and provider, plus a cut-off answer or missing OCR text', () => {
  // 980 ms to the first token, then 256 tokens at 21.456 tokens/s.
  assert.equal(compactStats(base), '12.9 s · cuda + cpu · length limit reached');
  assert.equal(compactStats({ ...base, stopReason: 'end', newTokens: 0 }), '1.0 s · cuda + cpu');
  assert.equal(
    compactStats({ ...base, stopReason: 'cancelled', ocrContext: { state: 'failed', error: 'model missing' } }),
    "12.9 s · cuda + cpu · cancelled · without the image's text (OCR failed)",
  );
});
