// The weight pass: how a package's weight precision stores each Linear weight W [N, K] (as PyTorch stores it)
// and each embedding table, apart from the nodes that read them (src/onnx/linear.ts). fp32 and fp16 keep Wᵀ
// [K, N] for a MatMul (fp16 as its bits in a Uint16Array); int8 and int4 quantise W's rows in symmetric blocks
// for MatMulNBits (src/onnx/quantize.ts), spread over the converter's worker threads when it passes them.
import type { WeightPrecision } from '../common/precision.ts';
import { toHalf } from './half.ts';
import { quantize as quantizeHere, type QuantizedWeight } from './quantize.ts';
import type { Quantize } from './quantize-workers.ts';

export const QUANT_BLOCK = 32;

/** A float tensor as stored: fp32, or fp16 bits that the graph casts back to fp32 for compute. */
export type StoredFloat = Float32Array | Uint16Array;

export type StoredLinear = { kind: 'matmul'; transposed: StoredFloat } | { kind: 'blocks'; quantized: QuantizedWeight };

export interface WeightPass {
  linear(w: Float32Array, n: number, k: number): StoredLinear;
  /** A table read by Gather (the token embeddings): fp16 in every reduced-precision package, since a Gather needs no quantised kernel. */
  table(data: Float32Array): StoredFloat;
}

export function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}

/** `quantize` is this thread's by default, or QuantizeWorkers' spread over threads (byte for byte the same). */
export function weightPass(precision: WeightPrecision, quantize: Quantize = quantizeHere): WeightPass {
  const half = precision !== 'fp32';
  return {
    linear(w, n, k) {
      if (precision === 'int4' || precision === 'int8')
        return { kind: 'blocks', quantized: quantize(w, n, k, precision === 'int4' ? 4 : 8, QUANT_BLOCK) };
      const transposed = transpose(w, n, k);
      return { kind: 'matmul', transposed: precision === 'fp16' ? toHalf(transposed) : transposed };
    },
    table: (data) => (half ? toHalf(data) : data),
  };
}
