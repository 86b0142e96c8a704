// Builds the vision tower's input for one image: the thumbnail, then the tiles row-major, each
// normalised to float32 CHW (docs/architecture.md, "Model choices").
import type { TileGrid } from '../common/protocol.ts';
import type { DecodedImage } from '../image/decode.ts';
import { resizeRgb } from '../image/resize.ts';

export interface Normalisation {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/**
 * Returns [views, 3, T, T] with T = grid.tileSize: view 0 is the whole image squashed to T×T,
 * view 1 + i·cols + j is tile (i, j) of the image squashed to (rows·T)×(cols·T). Two resizes from
 * the decoded pixels; the tiles are then cut by index arithmetic, which is cheaper than asking
 * sharp for rows·cols extracts.
 */
export async function makeViews(image: DecodedImage, grid: TileGrid, norm: Normalisation): Promise<Float32Array> {
  const { rows, cols, tileSize: size } = grid;
  if (grid.views !== 1 + rows * cols) {
    throw new RangeError(
      `A ${rows}×${cols} grid has ${1 + rows * cols} views (thumbnail included), not ${grid.views}.`,
    );
  }
  const [tiled, thumbnail] = await Promise.all([
    resizeRgb(image, cols * size, rows * size),
    resizeRgb(image, size, size),
  ]);
  const table = normalisationTable(norm);
  const out = new Float32Array(grid.views * 3 * size * size);
  writeView(thumbnail, size, 0, 0, size, table, out, 0);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      writeView(tiled, cols * size, i * size, j * size, size, table, out, (1 + i * cols + j) * 3 * size * size);
    }
  }
  return out;
}

/**
 * (byte/255 − mean[c]) / std[c] for every byte and channel, computed in float64 and rounded once
 * to float32; a lookup replaces three float operations per sample in the copy loop.
 */
function normalisationTable({ mean, std }: Normalisation): Float32Array {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (v / 255 - mean[c]!) / std[c]!;
  }
  return table;
}

/** Copies the size×size square at (top, left) of an RGB HWC buffer into CHW planes at `offset`, normalising. */
function writeView(
  src: Uint8Array,
  srcWidth: number,
  top: number,
  left: number,
  size: number,
  table: Float32Array,
  out: Float32Array,
  offset: number,
): void {
  const plane = size * size;
  for (let y = 0; y < size; y++) {
    let s = ((top + y) * srcWidth + left) * 3;
    let d = offset + y * size;
    for (let x = 0; x < size; x++, s += 3, d++) {
      out[d] = table[src[s]!]!;
      out[d + plane] = table[256 + src[s + 1]!]!;
      out[d + 2 * plane] = table[512 + src[s + 2]!]!;
    }
  }
}
