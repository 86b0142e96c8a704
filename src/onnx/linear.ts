// y = x·Wᵀ (+ b) for a PyTorch Linear weight W [N, K], in the package's weight format:
// fp32 and fp16 as MatMul on the transposed weight (fp16 stored, cast to fp32 for compute, since x64 CPUs
// have no fp16 GEMM), int8/int4 as MatMulNBits on block-quantised rows.
import type { WeightFormat } from '../common/precision.ts';
import { DataType, type GraphBuilder } from './graph.ts';
import { toHalf } from './half.ts';

export const QUANT_BLOCK = 32;

export function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c]!;
  return out;
}

/** A float tensor stored as fp32, or as fp16 and cast back to fp32 inside the graph. */
export function floatWeight(g: GraphBuilder, name: string, data: Float32Array, dims: number[], half: boolean): string {
  if (!half) return g.weight(name, data, dims);
  return g.op('Cast', [g.weight(name, toHalf(data), dims)], { to: DataType.FLOAT });
}

export function linear(
  g: GraphBuilder,
  x: string,
  name: string,
  w: Float32Array,
  n: number,
  k: number,
  { precision, activations = 'int8' }: WeightFormat,
  bias?: Float32Array,
): string {
  return g.scope(name, () => {
    let y: string;
    if (precision === 'int4' || precision === 'int8') {
      const bits = precision === 'int4' ? 4 : 8;
      const q = g.quantize(w, n, k, bits, QUANT_BLOCK);
      const blocks = Math.ceil(k / QUANT_BLOCK);
      const packed = g.weight('weight.q', q.packed, [n, blocks, (QUANT_BLOCK * bits) / 8]);
      const scales = g.weight('weight.scales', q.scales, [n * blocks]);
      // No zero points: MatMulNBits then takes 2^(bits−1), the symmetric blocks' zero point.
      const accuracyLevel = activations === 'int8' ? 4 : 0;
      y = g.op('MatMulNBits', [x, packed, scales], { K: k, N: n, bits, block_size: QUANT_BLOCK, accuracy_level: accuracyLevel }, 'ms');
    } else {
      y = g.op('MatMul', [x, floatWeight(g, 'weight', transpose(w, n, k), [k, n], precision === 'fp16')]);
    }
    return bias ? g.op('Add', [y, g.weight('bias', bias, [n])]) : y;
  });
}
