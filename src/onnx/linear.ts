// The nodes that read weights in the form the weight pass stored them (src/onnx/linear-weights.ts): a Linear
// layer as MatMul on Wᵀ (cast from fp16 first when stored so, since x64 CPUs have no fp16 GEMM) or as MatMulNBits
// on quantised blocks, and an embedding lookup as Gather.
import type { ActivationPrecision } from '../common/precision.ts';
import type { GraphBuilder } from './graph.ts';
import type { StoredFloat, WeightPass } from './linear-weights.ts';
import { matMulNBits, toFloat } from './ops.ts';

export interface LinearArgs {
  /** The scope of its weights and nodes (`attn.qkv`). */
  name: string;
  x: string;
  /** W as PyTorch stores it: [N, K] = `shape`, out × in; or its blocks of rows in order (q, k, v), not copied together. */
  weight: Float32Array | readonly Float32Array[];
  shape: [n: number, k: number];
  bias?: Float32Array;
}

export interface EmbeddingArgs {
  /** The table's weight name. */
  name: string;
  /** [rows, dim] = `shape`. */
  table: Float32Array;
  shape: [rows: number, dim: number];
  ids: string;
}

function floatWeight(g: GraphBuilder, name: string, data: StoredFloat, dims: number[]): string {
  const weight = g.weight(name, data, dims);
  return data instanceof Uint16Array ? toFloat(g, weight) : weight;
}

/** y = x·Wᵀ (+ b). `activations` is what MatMulNBits multiplies quantised weights with (src/common/precision.ts). */
export function linear(
  g: GraphBuilder,
  pass: WeightPass,
  activations: ActivationPrecision,
  { name, x, weight, shape: [n, k], bias }: LinearArgs,
): string {
  return g.scope(name, () => {
    const stored = pass.linear(weight instanceof Float32Array ? [weight] : weight, n, k);
    let y: string;
    if (stored.kind === 'blocks') {
      const { packed, scales, bits, blockSize } = stored.quantized;
      const blocks = Math.ceil(k / blockSize);
      y = matMulNBits(g, {
        x,
        packed: g.weight('weight.q', packed, [n, blocks, (blockSize * bits) / 8]),
        scales: g.weight('weight.scales', scales, [n * blocks]),
        n,
        k,
        bits,
        blockSize,
        accuracyLevel: activations === 'int8' ? 4 : 0,
      });
    } else {
      y = g.op('MatMul', [x, floatWeight(g, 'weight', stored.transposed, [k, n])]);
    }
    return bias ? g.op('Add', [y, g.weight('bias', bias, [n])]) : y;
  });
}

/** The rows of `table` at `ids`, as fp32. */
export function embedding(g: GraphBuilder, pass: WeightPass, { name, table, shape, ids }: EmbeddingArgs): string {
  const stored = pass.table(table);
  const rows = g.op('Gather', [g.weight(name, stored, shape), ids]);
  return stored instanceof Uint16Array ? toFloat(g, rows) : rows;
}
