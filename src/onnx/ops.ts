// The ONNX ops the graph builders share, with named arguments, so a builder reads as its model's maths. Each
// helper adds exactly the nodes and initializers it names, in the order given: a package's bytes depend on it.
// A norm's weights are created here, under `${name}.weight` and `${name}.bias` in the current scope.
import { DataType, type GraphBuilder } from './graph.ts';

/** A 1-D int64 constant (shapes, pads, split sizes, axes). */
export function int64(g: GraphBuilder, name: string, values: number[]): string {
  return g.constant(name, BigInt64Array.from(values, BigInt), [values.length]);
}

/**
 * `x` cut along its last axis into parts of `sizes`, or of an int64 constant holding them (shared by several
 * Splits; then `outputs` says how many parts). `outputs` names the parts when they must keep a name.
 */
export function split(
  g: GraphBuilder,
  {
    x,
    sizes,
    outputs,
  }: { x: string; sizes: number[]; outputs?: string[] } | { x: string; sizes: string; outputs: number | string[] },
): string[] {
  const sizesValue = typeof sizes === 'string' ? sizes : int64(g, 'split', sizes);
  return g.node('Split', [x, sizesValue], { outputs: outputs ?? sizes.length, attrs: { axis: -1 } });
}

export function layerNorm(
  g: GraphBuilder,
  { name, x, weight, bias, eps }: { name: string; x: string; weight: Float32Array; bias: Float32Array; eps: number },
): string {
  const dims = [weight.length];
  return g.op(
    'LayerNormalization',
    [x, g.weight(`${name}.weight`, weight, dims), g.weight(`${name}.bias`, bias, dims)],
    { axis: -1, epsilon: { float: eps } },
  );
}

/** x / RMS(x) · weight (LLaMA's RMSNorm), with fp32 statistics. */
export function rmsNorm(
  g: GraphBuilder,
  { name, x, weight, eps }: { name: string; x: string; weight: Float32Array; eps: number },
): string {
  return g.op('SimplifiedLayerNormalization', [x, g.weight(`${name}.weight`, weight, [weight.length])], {
    axis: -1,
    epsilon: { float: eps },
    stash_type: 1,
  });
}

/** The residual add x + skip and the RMSNorm after it, in one node: both results, under the names given. */
export function skipRmsNorm(
  g: GraphBuilder,
  {
    name,
    x,
    skip,
    weight,
    eps,
    outputs,
  }: {
    name: string;
    x: string;
    skip: string;
    weight: Float32Array;
    eps: number;
    outputs: { normed: string; sum: string };
  },
): { normed: string; sum: string } {
  g.node('SkipSimplifiedLayerNormalization', [x, skip, g.weight(`${name}.weight`, weight, [weight.length])], {
    outputs: [outputs.normed, '', '', outputs.sum],
    attrs: { epsilon: { float: eps } },
    domain: 'ms',
  });
  return outputs;
}

/** GELU, exact (erf). */
export function gelu(g: GraphBuilder, x: string): string {
  return g.op('Gelu', [x], {}, 'ms');
}

/** x·sigmoid(x): QuickGelu with α = 1. */
export function silu(g: GraphBuilder, x: string): string {
  return g.op('QuickGelu', [x], { alpha: { float: 1 } }, 'ms');
}

/**
 * softmax(q·kᵀ/√d + bias)·v over `heads` heads; q [B, T, H·d], k and v as q or already split into heads
 * [B, H, S, d]; `bias` broadcasts to [B, H, T, S].
 */
export function mha(
  g: GraphBuilder,
  { q, k, v, heads, bias }: { q: string; k: string; v: string; heads: number; bias?: string },
): string {
  return g.op(
    'MultiHeadAttention',
    bias === undefined ? [q, k, v] : [q, k, v, '', '', bias],
    { num_heads: heads },
    'ms',
  );
}

/** RoPE (rotate-half, not interleaved) on x [B, T, heads·d] at `positions`, from cos/sin caches [maxPositions, d/2]. */
export function rotary(
  g: GraphBuilder,
  {
    x,
    positions,
    cos,
    sin,
    heads,
    output,
  }: { x: string; positions: string; cos: string; sin: string; heads: number; output: string },
): string {
  return g.node('RotaryEmbedding', [x, positions, cos, sin], {
    outputs: [output],
    attrs: { interleaved: 0, num_heads: heads },
    domain: 'ms',
  })[0]!;
}

/**
 * Causal grouped-query attention of the new rows q, k, v over the valid rows of a past cache [1, kvHeads,
 * capacity, d] (seqlensK, totalLength as GroupQueryAttention counts them); returns the attention's output. The
 * present cache, also an output of the node, goes unused and gets the names in `outputs`.
 */
export function gqa(
  g: GraphBuilder,
  a: {
    q: string;
    k: string;
    v: string;
    past: { key: string; value: string };
    seqlensK: string;
    totalLength: string;
    heads: number;
    kvHeads: number;
    outputs: { attention: string; presentKey: string; presentValue: string };
  },
): string {
  return g.node('GroupQueryAttention', [a.q, a.k, a.v, a.past.key, a.past.value, a.seqlensK, a.totalLength], {
    outputs: [a.outputs.attention, a.outputs.presentKey, a.outputs.presentValue],
    attrs: { num_heads: a.heads, kv_num_heads: a.kvHeads },
    domain: 'ms',
  })[0]!;
}

/**
 * x·Wᵀ for W [n, k] stored as symmetric blocks (src/onnx/linear-weights.ts): no zero points, so MatMulNBits
 * takes 2^(bits−1), the symmetric blocks' zero point. `accuracyLevel` 4 quantises the activations to int8 per
 * block, 0 multiplies in fp32.
 */
export function matMulNBits(
  g: GraphBuilder,
  {
    x,
    packed,
    scales,
    n,
    k,
    bits,
    blockSize,
    accuracyLevel,
  }: {
    x: string;
    packed: string;
    scales: string;
    n: number;
    k: number;
    bits: number;
    blockSize: number;
    accuracyLevel: 0 | 4;
  },
): string {
  return g.op(
    'MatMulNBits',
    [x, packed, scales],
    { K: k, N: n, bits, block_size: blockSize, accuracy_level: accuracyLevel },
    'ms',
  );
}

/** A float weight stored as fp16 (a Uint16Array of its bits) is cast back to fp32 for compute. */
export function toFloat(g: GraphBuilder, value: string): string {
  return g.op('Cast', [value], { to: DataType.FLOAT });
}
