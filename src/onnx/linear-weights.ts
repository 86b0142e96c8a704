// The weight pass: how a package's weight precision stores each Linear weight W [N, K] (as PyTorch stores it)
// and each embedding table, apart from the nodes that read them (src/onnx/linear.ts). fp32 and fp16 keep Wᵀ
// [K, N] for a MatMul (fp16 as its bits in a Uint16Array); int8 and int4 quantise W's rows in symmetric blocks
// for MatMulNBits (src/onnx/quantize.ts), spread over the converter's worker threads when it passes them.
import type { WeightPrecision } from '../common/precision.ts';
import { toHalf } from './half.ts';
import { concatFloat32 } from './tensors.ts';
import { quantize as quantizeHere, type QuantizedWeight } from './quantize.ts';
import type { Quantize } from './quantize-workers.ts';

export const QUANT_BLOCK = 32;

/** A float tensor as stored: fp32, or fp16 bits that the graph casts back to fp32 for compute. */
export type StoredFloat = Float32Array | Uint16Array;

export type StoredLinear = { kind: 'matmul'; transposed: StoredFloat } | { kind: 'blocks'; quantized: QuantizedWeight };

export interface WeightPass {
  /** W [N, K], or its blocks of rows in order (q, k and v as one W, never copied together). */
  linear(w: readonly Float32Array[], n: number, k: number): StoredLinear;
  /** A table read by Gather (the token embeddings): fp16 in every reduced-precision package, since a Gather needs no quantised kernel. */
  table(data: Float32Array): StoredFloat;
}

/** Square tiles of the transpose: a tile's rows and columns stay in cache, where a plain loop writes a new line per element. */
const TILE = 32;

/** Wᵀ [cols, rows] of a row-major W [rows, cols]; W may come as blocks of whole rows, in order (not copied together). */
export function transpose(w: Float32Array | readonly Float32Array[], rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  let first = 0;
  for (const part of w instanceof Float32Array ? [w] : w) {
    const partRows = part.length / cols;
    for (let r0 = 0; r0 < partRows; r0 += TILE)
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const r1 = Math.min(partRows, r0 + TILE);
        const c1 = Math.min(cols, c0 + TILE);
        for (let c = c0; c < c1; c++) for (let r = r0; r < r1; r++) out[c * rows + first + r] = part[r * cols + c]!;
      }
    first += partRows;
  }
  return out;
}

/** `quantize` is this thread's by default, or QuantizeWorkers' spread over threads (byte for byte the same). */
export function weightPass(precision: WeightPrecision, quantize: Quantize = quantizeHere): WeightPass {
  const half = precision !== 'fp32';
  return {
    linear(w, n, k) {
      if (precision === 'int4' || precision === 'int8') {
        const bits = precision === 'int4' ? 4 : 8;
        // Rows quantise independently, so the blocks' results joined are W's.
        const parts = w.map((part) => quantize(part, part.length / k, k, bits, QUANT_BLOCK));
        return { kind: 'blocks', quantized: parts.length === 1 ? parts[0]! : joinRows(parts, n) };
      }
      const transposed = transpose(w, n, k);
      return { kind: 'matmul', transposed: precision === 'fp16' ? toHalf(transposed) : transposed };
    },
    table: (data) => (half ? toHalf(data) : data),
  };
}

/** Quantised blocks of rows, in order, as one weight of `n` rows. */
function joinRows(parts: readonly QuantizedWeight[], n: number): QuantizedWeight {
  const { bits, k, blockSize } = parts[0]!;
  const packed = new Uint8Array(Buffer.concat(parts.map((p) => p.packed)));
  return { bits, n, k, blockSize, packed, scales: concatFloat32(parts.map((p) => p.scales)) };
}
