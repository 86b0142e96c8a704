import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeWindowBoxes } from '../../src/ocr/merge.ts';
import { boundsQuad } from '../../src/ocr/geometry.ts';
import { planWindows } from '../../src/ocr/windows.ts';

test('a screenshot that fits is one window', () => {
  const { windows } = planWindows({ x0: 0, y0: 0, x1: 1920, y1: 1080 }, 1, 2048, 96);
  assert.deepEqual(windows, [{ x0: 0, y0: 0, x1: 1920, y1: 1080 }]);
});

test('a tall screenshot is cut into overlapping windows that cover it at full resolution', () => {
  const region = { x0: 0, y0: 0, x1: 900, y1: 10_000 };
  const { windows } = planWindows(region, 1, 2048, 96);
  assert.ok(windows.length >= 5);
  assert.equal(windows[0]!.y0, 0);
  assert.equal(windows.at(-1)!.y1, 10_000);
  for (const w of windows) {
    assert.ok(w.y1 - w.y0 <= 2048, 'no window is larger than the detector side');
    assert.equal(w.x1 - w.x0, 900);
  }
  for (let i = 1; i < windows.length; i++) assert.ok(windows[i - 1]!.y1 - windows[i]!.y0 >= 96, 'neighbours overlap');
});

test('a 4K screenshot becomes a grid of windows; the scale counts in detector pixels', () => {
  assert.equal(planWindows({ x0: 0, y0: 0, x1: 3840, y1: 2160 }, 1, 2048, 96).windows.length, 4);
  assert.equal(planWindows({ x0: 0, y0: 0, x1: 3840, y1: 2160 }, 0.5, 2048, 96).windows.length, 1);
  const offset = planWindows({ x0: 100, y0: 50, x1: 4100, y1: 150 }, 1, 2048, 96).windows;
  assert.equal(offset[0]!.x0, 100);
  assert.equal(offset.at(-1)!.x1, 4100);
});

test('a line found by two windows is kept once; a line cut by a window edge is joined', () => {
  const line = boundsQuad({ x0: 10, y0: 1650, x1: 300, y1: 1670 });
  const dup = boundsQuad({ x0: 11, y0: 1651, x1: 299, y1: 1670 });
  const left = boundsQuad({ x0: 900, y0: 70, x1: 2048, y1: 110 });
  const right = boundsQuad({ x0: 1960, y0: 71, x1: 3100, y1: 111 });
  const merged = mergeWindowBoxes([
    { box: line, window: 0 },
    { box: dup, window: 1 },
    { box: left, window: 2 },
    { box: right, window: 3 },
  ]);
  assert.equal(merged.length, 2);
  assert.deepEqual(merged[0], boundsQuad({ x0: 10, y0: 1650, x1: 300, y1: 1670 }));
  assert.deepEqual(merged[1], boundsQuad({ x0: 900, y0: 70, x1: 3100, y1: 111 }));
});

test('neighbouring lines of one window are never merged', () => {
  const a = boundsQuad({ x0: 0, y0: 0, x1: 100, y1: 20 });
  const b = boundsQuad({ x0: 95, y0: 2, x1: 200, y1: 22 });
  assert.equal(
    mergeWindowBoxes([
      { box: a, window: 0 },
      { box: b, window: 0 },
    ]).length,
    2,
  );
});
