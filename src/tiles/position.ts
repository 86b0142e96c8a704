// Sub-image position vectors (`tiling.subImagePosition = "sincos2d"` in docs/architecture.md):
// they tell the image memory where each tile sits, since the shared ViT sees every tile alone.
import type { TileGrid } from '../common/protocol.ts';

/**
 * Returns [views, dim] float32: row 0 (the thumbnail) zeros; tile (i, j), row 1 + i·cols + j, gets
 * concat(table[j], table[i]) with table[p][k] = sin(p / 10000^(2⌊k/2⌋ / (dim/2))) for even k and
 * cos(…) for odd k. Computed in float64, stored as float32.
 */
export function subImagePositions(grid: TileGrid, dim: number): Float32Array {
  if (!Number.isInteger(dim) || dim < 4 || dim % 4 !== 0) {
    // Each half holds (sin, cos) pairs, so dim/2 must be even.
    throw new RangeError(`The position vector size must be a positive multiple of 4, got ${dim}.`);
  }
  const { rows, cols } = grid;
  const half = dim / 2;
  const table = sinCosTable(Math.max(rows, cols), half);
  const out = new Float32Array((1 + rows * cols) * dim);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const at = (1 + i * cols + j) * dim;
      out.set(table.subarray(j * half, (j + 1) * half), at);
      out.set(table.subarray(i * half, (i + 1) * half), at + half);
    }
  }
  return out;
}

/** table[p][k] for p in [0, positions), k in [0, width), row-major. */
function sinCosTable(positions: number, width: number): Float64Array {
  const table = new Float64Array(positions * width);
  for (let k = 0; k < width; k += 2) {
    const wavelength = 10000 ** (k / width);
    for (let p = 0; p < positions; p++) {
      table[p * width + k] = Math.sin(p / wavelength);
      table[p * width + k + 1] = Math.cos(p / wavelength);
    }
  }
  return table;
}
