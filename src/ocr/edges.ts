// Where neighbouring pixels differ, summed along sampled lines, so that the length of a border (or
// of the stretch of one hidden under a floating box) in any part of the screen is one subtraction.
import type { DecodedImage } from '../image/decode.ts';

/** Neighbouring pixels differing by at least this much in some channel are an edge: side bar and editor backgrounds differ by ~7. */
const EDGE = 4;
/** Only every this-many-th pixel along a border is compared: a border is long and straight. */
export const STRIDE = 4;

/** 'x': vertical borders (between columns); 'y': horizontal ones (between rows). */
export type Axis = 'x' | 'y';

/**
 * Edge counts, cumulative: `down` along sampled rows for each column boundary (vertical borders),
 * `across` along sampled columns for each row boundary (horizontal ones).
 */
export interface EdgeSums {
  width: number;
  height: number;
  down: Uint16Array | Uint32Array;
  across: Uint16Array | Uint32Array;
}

export function edgeSums(image: DecodedImage): EdgeSums {
  const { width, height, data } = image;
  const [rows, cols] = [Math.ceil(height / STRIDE), Math.ceil(width / STRIDE)];
  const counts = (n: number, max: number): Uint16Array | Uint32Array =>
    max < 0xffff ? new Uint16Array(n) : new Uint32Array(n);
  const edge = (p: number, q: number): number => {
    const [r, g, b] = [data[p]! - data[q]!, data[p + 1]! - data[q + 1]!, data[p + 2]! - data[q + 2]!];
    return r >= EDGE || r <= -EDGE || g >= EDGE || g <= -EDGE || b >= EDGE || b <= -EDGE ? 1 : 0;
  };
  const down = counts((rows + 1) * width, rows);
  for (let r = 0; r < rows; r++) {
    const p = r * STRIDE * width * 3;
    for (let x = 1; x < width; x++) down[(r + 1) * width + x] = down[r * width + x]! + edge(p + 3 * x, p + 3 * x - 3);
  }
  const across = counts(height * (cols + 1), cols);
  for (let y = 1; y < height; y++) {
    const p = y * width * 3;
    for (let c = 0; c < cols; c++)
      across[y * (cols + 1) + c + 1] =
        across[y * (cols + 1) + c]! + edge(p + 3 * c * STRIDE, p + 3 * (c * STRIDE - width));
  }
  return { width, height, down, across };
}

/** How many positions in [lo, hi) are sampled: STRIDE·k for k in [⌈lo/STRIDE⌉, ⌈hi/STRIDE⌉). */
export function samples(lo: number, hi: number): number {
  return Math.max(0, Math.ceil(hi / STRIDE) - Math.ceil(lo / STRIDE));
}

/** Sampled edges at boundary `s` of `axis` (column s for 'x', row s for 'y') between `lo` and `hi` along it. */
export function edgeCount(edges: EdgeSums, axis: Axis, s: number, lo: number, hi: number): number {
  const [k0, k1] = [Math.ceil(lo / STRIDE), Math.ceil(hi / STRIDE)];
  if (k1 <= k0) return 0;
  if (axis === 'x') return edges.down[k1 * edges.width + s]! - edges.down[k0 * edges.width + s]!;
  const cols = Math.ceil(edges.width / STRIDE) + 1;
  return edges.across[s * cols + k1]! - edges.across[s * cols + k0]!;
}
