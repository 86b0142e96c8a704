import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planGrid } from '../../src/tiles/plan.ts';

test('grid = round half up of each side over the tile size, at least 1', () => {
  // [width, height, tile size, rows, cols]
  const table: [number, number, number, number, number][] = [
    [1, 1, 448, 1, 1],
    [10, 10, 448, 1, 1],
    [448, 448, 448, 1, 1],
    [896, 448, 448, 1, 2],
    [448, 896, 448, 2, 1],
    [1344, 1344, 448, 3, 3],
    [671, 671, 448, 1, 1], // 1.498 rounds down
    [672, 672, 448, 2, 2], // exactly 1.5 rounds up
    [1119, 1120, 448, 3, 2], // 2.498 down, 2.5 up
    [3000, 1, 448, 1, 7], // 1-px strip: 6.7 → 7 columns, rows clamped to 1
    [1, 3000, 448, 7, 1],
    [1920, 1080, 448, 2, 4], // 4.29 → 4, 2.41 → 2
    [13, 14, 28, 1, 1], // 0.46 → 0, clamped to 1; 0.5 → 1
    [42, 41, 28, 1, 2], // 1.46 → 1; 1.5 → 2
    [56, 84, 28, 3, 2],
  ];
  for (const [width, height, tileSize, rows, cols] of table) {
    const grid = planGrid(width, height, tileSize, 1000);
    assert.deepEqual(grid, { rows, cols, tileSize, views: 1 + rows * cols }, `${width}×${height} at T=${tileSize}`);
  }
});

test('over the tile budget: the closest aspect that fits, ties to more tiles, the request kept in limitedFrom', () => {
  // [width, height, maxTiles, rows, cols, limited from rows, cols]
  const table: [number, number, number, number, number, number, number][] = [
    [3000, 1, 4, 1, 4, 1, 7], // a strip keeps one row and uses the whole budget
    [1, 3000, 6, 6, 1, 7, 1],
    [1344, 1344, 4, 2, 2, 3, 3],
    [1344, 1344, 8, 2, 2, 3, 3], // 2×2 and 1×1 are both exactly square: more tiles wins; 2×3 is not square
    [4000, 3000, 12, 3, 4, 7, 9], // 4:3 exactly
    [3000, 4000, 12, 4, 3, 9, 7],
    [4000, 3000, 9, 2, 3, 7, 9], // 3:2 is closer to 4:3 than 1:1 is
    [1920, 1080, 1, 1, 1, 2, 4],
  ];
  for (const [width, height, maxTiles, rows, cols, fromRows, fromCols] of table) {
    assert.deepEqual(
      planGrid(width, height, 448, maxTiles),
      { rows, cols, tileSize: 448, views: 1 + rows * cols, limitedFrom: { rows: fromRows, cols: fromCols } },
      `${width}×${height}, at most ${maxTiles} tiles`,
    );
  }
});

test('every limited grid fits the budget and no fitting grid has a closer aspect', () => {
  const distance = (rows: number, cols: number, width: number, height: number) =>
    Math.abs(Math.log(cols / rows / (width / height)));
  for (const maxTiles of [1, 2, 3, 5, 7, 12, 16]) {
    for (let width = 100; width <= 6000; width += 733) {
      for (let height = 100; height <= 6000; height += 911) {
        const grid = planGrid(width, height, 448, maxTiles);
        assert.ok(grid.rows * grid.cols <= maxTiles);
        assert.equal(grid.views, 1 + grid.rows * grid.cols);
        if (!grid.limitedFrom) continue;
        assert.ok(grid.limitedFrom.rows * grid.limitedFrom.cols > maxTiles, 'limited only when over the budget');
        const chosen = distance(grid.rows, grid.cols, width, height);
        for (let rows = 1; rows <= maxTiles; rows++) {
          for (let cols = 1; rows * cols <= maxTiles; cols++) {
            assert.ok(
              chosen <= distance(rows, cols, width, height) + 1e-12,
              `${width}×${height}: ${rows}×${cols} is closer`,
            );
          }
        }
      }
    }
  }
});

test('non-positive or fractional arguments are refused with the argument named', () => {
  assert.throws(() => planGrid(0, 10, 448, 4), {
    name: 'RangeError',
    message: 'The image width must be a positive integer, got 0.',
  });
  assert.throws(() => planGrid(10, 1.5, 448, 4), { message: /image height/ });
  assert.throws(() => planGrid(10, 10, Number.NaN, 4), { message: /tile size/ });
  assert.throws(() => planGrid(10, 10, 448, 0), { message: /maximum tiles/ });
});
