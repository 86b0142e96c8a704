import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planGrid } from '../../src/tiles/plan.ts';
import { subImagePositions } from '../../src/tiles/position.ts';

/** The formula of docs/architecture.md, written out term by term. */
function expected(p: number, k: number, dim: number): number {
  const angle = p / Math.pow(10000, (2 * Math.floor(k / 2)) / (dim / 2));
  return Math.fround(k % 2 === 0 ? Math.sin(angle) : Math.cos(angle));
}

test('thumbnail row is zero; tile (i, j) is concat(table[j], table[i])', () => {
  for (const dim of [4, 8, 64, 1280]) {
    const grid = planGrid(4 * 28, 3 * 28, 28, 12); // 3 rows × 4 columns
    const positions = subImagePositions(grid, dim);
    assert.equal(positions.length, 13 * dim);
    assert.ok(
      positions.subarray(0, dim).every((v) => v === 0),
      'thumbnail',
    );
    const half = dim / 2;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 4; j++) {
        const row = positions.subarray((1 + i * 4 + j) * dim, (2 + i * 4 + j) * dim);
        for (let k = 0; k < half; k++) {
          assert.equal(row[k], expected(j, k, dim), `dim ${dim}, tile ${i},${j}, column part ${k}`);
          assert.equal(row[half + k], expected(i, k, dim), `dim ${dim}, tile ${i},${j}, row part ${k}`);
        }
      }
    }
  }
});

test('known values: tile (0, 0) alternates 0 and 1; tile (1, 2) starts with sin 2 and, halfway, sin 1', () => {
  const positions = subImagePositions(planGrid(3 * 28, 2 * 28, 28, 6), 8);
  assert.deepEqual(Array.from(positions.subarray(8, 16)), [0, 1, 0, 1, 0, 1, 0, 1]);
  const tile12 = positions.subarray((1 + 1 * 3 + 2) * 8);
  assert.equal(tile12[0], Math.fround(Math.sin(2)));
  assert.equal(tile12[1], Math.fround(Math.cos(2)));
  assert.equal(tile12[2], Math.fround(Math.sin(2 / 100)));
  assert.equal(tile12[4], Math.fround(Math.sin(1)));
});

test('a size that is not a positive multiple of 4 is refused', () => {
  const grid = planGrid(28, 28, 28, 1);
  for (const dim of [0, 2, 6, 10.5, -4]) {
    assert.throws(() => subImagePositions(grid, dim), {
      name: 'RangeError',
      message: `The position vector size must be a positive multiple of 4, got ${dim}.`,
    });
  }
});
