// The decoder graph: LLaMA with InfiMM-HD's gated cross-attention blocks, with a self-attention KV cache.
//
//   ids ─Gather─► x
//   for each decoder layer i:
//     if a gated block precedes it (i+1 mod N = 0) and the conversation has an image (cross_flag):
//       x = x + rows·tanh(α_attn)⊙to_out(MHA(to_q(LN(x)), memory_k, memory_v, bias))
//       x = x + tanh(α_ff)⊙W₂(GELU(W₁(LN(x))))
//     x = x + o_proj(GQA(RoPE(q), RoPE(k), v, past))      (causal; the new RoPE(k), v rows are outputs)
//     x = x + down(SiLU(gate(RMS(x)))·up(RMS(x)))
//   logits = lm_head(RMS(x)[logits_from:])
import type { WeightFormat } from '../common/precision.ts';
import { DataType, type GraphBuilder } from '../onnx/graph.ts';
import { toHalf } from '../onnx/half.ts';
import { linear } from '../onnx/linear.ts';
import { layerNorm } from '../onnx/norm.ts';
import { concatFloat32, mapFloat32, type LoadTensor } from '../onnx/tensors.ts';
import { LM, crossKey, decoderKey } from '../package/keys.ts';
import type { Architecture } from '../package/manifest.ts';
import { DecoderIO } from './io.ts';

export async function buildDecoderGraph(g: GraphBuilder, arch: Architecture, load: LoadTensor, format: WeightFormat): Promise<void> {
  const lm = arch.language;
  const xa = arch.crossAttention;
  const D = lm.hiddenSize;
  const hd = lm.headDim;
  const ids = g.input(DecoderIO.inputIds, DataType.INT64, [1, 'seq']);
  const positions = g.input(DecoderIO.positionIds, DataType.INT64, [1, 'seq']);
  const logitsFrom = g.input(DecoderIO.logitsFrom, DataType.INT64, [1]);
  const crossBias = g.input(DecoderIO.crossBias, DataType.FLOAT, [1, 1, 'seq', 'memory']);
  const crossRows = g.input(DecoderIO.crossRows, DataType.FLOAT, [1, 'seq', 1]);
  const crossFlag = g.input(DecoderIO.crossFlag, DataType.FLOAT, [1, 1, 1]);
  const seqlensK = g.input(DecoderIO.seqlensK, DataType.INT32, [1]);
  const totalLength = g.input(DecoderIO.totalLength, DataType.INT32, [1]);
  const half = format.precision !== 'fp32';

  let x = await g.scope('embed_tokens', async () => {
    const table = await load(`${LM}model.embed_tokens.weight`);
    if (!half) return g.op('Gather', [g.weight('weight', table, [lm.vocabSize, D]), ids]);
    // Reduced-precision packages keep the embeddings in fp16: a Gather needs no quantised kernel.
    return g.op('Cast', [g.op('Gather', [g.weight('weight', toHalf(table), [lm.vocabSize, D]), ids])], { to: DataType.FLOAT });
  });

  const { cos, sin } = ropeCache(lm.maxPositions, hd, lm.ropeTheta);
  const cosCache = g.weight('rope.cos', cos, [lm.maxPositions, hd / 2]);
  const sinCache = g.weight('rope.sin', sin, [lm.maxPositions, hd / 2]);

  // A conversation without an image skips the gated blocks (an If on cross_flag): they would add exactly zero.
  const hasImage = g.op('Cast', [crossFlag], { to: DataType.BOOL });
  for (let i = 0; i < lm.layers; i++) {
    const block = xa.decoderLayers.indexOf(i);
    if (block >= 0) {
      const memory = {
        keys: g.input(DecoderIO.memoryKey(block), DataType.FLOAT, [1, xa.heads, 'memory', xa.dimHead]),
        values: g.input(DecoderIO.memoryValue(block), DataType.FLOAT, [1, xa.heads, 'memory', xa.dimHead]),
      };
      const before = x;
      const output = { elemType: DataType.FLOAT, dims: [1, 'seq', D] };
      const withImage = await g.subgraph(`layers.${i}.gated_cross_attn`, output, (b) => crossBlock(b, before, i, arch, load, format, { crossBias, crossRows, memory }));
      const withoutImage = await g.subgraph(`layers.${i}.no_image`, output, (b) => b.op('Identity', [before]));
      x = g.op('If', [hasImage], { then_branch: { graph: withImage }, else_branch: { graph: withoutImage } });
    }
    x = await g.scope(`layers.${i}`, () => decoderLayer(g, x, i, arch, load, format, { positions, cosCache, sinCache, seqlensK, totalLength }));
  }

  const normed = rmsNorm(g, x, g.weight('norm.weight', await load(`${LM}model.norm.weight`), [D]), lm.rmsNormEps);
  const last = g.op('Slice', [normed, logitsFrom, g.constant('end', new BigInt64Array([BigInt(Number.MAX_SAFE_INTEGER)]), [1]), g.constant('axis', new BigInt64Array([1n]), [1])]);
  const logits = linear(g, last, 'lm_head', await load(`${LM}lm_head.weight`), lm.vocabSize, D, format);
  g.output(logits, DecoderIO.logits, DataType.FLOAT, [1, 'logits_len', lm.vocabSize]);
}

function rmsNorm(g: GraphBuilder, x: string, weight: string, eps: number): string {
  return g.op('SimplifiedLayerNormalization', [x, weight], { axis: -1, epsilon: { float: eps }, stash_type: 1 });
}

/** cos/sin of position·θ^(-2j/hd) for j < hd/2, computed in float64 (the rotate-half convention of HF LLaMA). */
export function ropeCache(maxPositions: number, hd: number, theta: number): { cos: Float32Array; sin: Float32Array } {
  const cos = new Float32Array(maxPositions * (hd / 2));
  const sin = new Float32Array(maxPositions * (hd / 2));
  for (let p = 0; p < maxPositions; p++) {
    for (let j = 0; j < hd / 2; j++) {
      const angle = p * theta ** (-(2 * j) / hd);
      cos[p * (hd / 2) + j] = Math.cos(angle);
      sin[p * (hd / 2) + j] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

async function crossBlock(
  g: GraphBuilder,
  x: string,
  layer: number,
  arch: Architecture,
  load: LoadTensor,
  format: WeightFormat,
  io: { crossBias: string; crossRows: string; memory: { keys: string; values: string } },
): Promise<string> {
  const D = arch.language.hiddenSize;
  const { heads: H, dimHead: dh, ffMult, layerNormEps } = arch.crossAttention;
  const inner = H * dh;
  const key = (name: string) => crossKey(layer, name);

  const q = linear(g, await layerNorm(g, x, key('attn.norm'), 'attn.norm', D, layerNormEps, load), 'attn.to_q', await load(key('attn.to_q.weight')), inner, D, format);
  const attn = g.op('MultiHeadAttention', [q, io.memory.keys, io.memory.values, '', '', io.crossBias], { num_heads: H }, 'ms'); // [1, T, inner]
  const out = linear(g, attn, 'attn.to_out', await load(key('attn.to_out.weight')), D, inner, format);
  const attnGate = g.weight('attn_gate.tanh', mapFloat32(await load(key('attn_gate')), Math.tanh), [D]);
  x = g.op('Add', [x, g.op('Mul', [g.op('Mul', [out, attnGate]), io.crossRows])]);

  const ffIn = await layerNorm(g, x, key('ff.0'), 'ff.0', D, layerNormEps, load);
  const ff1 = linear(g, ffIn, 'ff.1', await load(key('ff.1.weight')), D * ffMult, D, format);
  const ff3 = linear(g, g.op('Gelu', [ff1], {}, 'ms'), 'ff.3', await load(key('ff.3.weight')), D, D * ffMult, format);
  const ffGate = g.weight('ff_gate.tanh', mapFloat32(await load(key('ff_gate')), Math.tanh), [D]);
  return g.op('Add', [x, g.op('Mul', [ff3, ffGate])]);
}

async function decoderLayer(
  g: GraphBuilder,
  x: string,
  layer: number,
  arch: Architecture,
  load: LoadTensor,
  format: WeightFormat,
  io: { positions: string; cosCache: string; sinCache: string; seqlensK: string; totalLength: string },
): Promise<string> {
  const lm = arch.language;
  const D = lm.hiddenSize;
  const hd = lm.headDim;
  const key = (name: string) => decoderKey(layer, name);
  const qDim = lm.heads * hd;
  const kvDim = lm.kvHeads * hd;

  const h = rmsNorm(g, x, g.weight('input_layernorm.weight', await load(key('input_layernorm.weight')), [D]), lm.rmsNormEps);
  const wqkv = concatFloat32([await load(key('self_attn.q_proj.weight')), await load(key('self_attn.k_proj.weight')), await load(key('self_attn.v_proj.weight'))]);
  const qkv = linear(g, h, 'self_attn.qkv_proj', wqkv, qDim + 2 * kvDim, D, format);
  // The new rows are named as the graph outputs they are: an output under another name costs an Identity node.
  const [q0, k0, v] = g.node('Split', [qkv, g.constant('split', new BigInt64Array([BigInt(qDim), BigInt(kvDim), BigInt(kvDim)]), [3])], {
    outputs: [`${layer}.q`, `${layer}.k`, DecoderIO.newValue(layer)],
    attrs: { axis: -1 },
  });
  const rope = (t: string, heads: number, output: string) =>
    g.node('RotaryEmbedding', [t, io.positions, io.cosCache, io.sinCache], { outputs: [output], attrs: { interleaved: 0, num_heads: heads }, domain: 'ms' })[0]!;
  const q = rope(q0!, lm.heads, `${layer}.q_rope`);
  const k = rope(k0!, lm.kvHeads, DecoderIO.newKey(layer));
  // The cache stays in the runner's buffers: the graph reads them as inputs and returns only the new rows, since
  // ONNX Runtime's Node binding copies every output into a fresh buffer (a present cache would be copied whole
  // each step). GroupQueryAttention reads the valid rows of the past (seqlens) and shares K/V heads itself.
  const [attn] = g.node(
    'GroupQueryAttention',
    [q, k, v!, g.input(DecoderIO.pastKey(layer), DataType.FLOAT, [1, lm.kvHeads, 'capacity', hd]), g.input(DecoderIO.pastValue(layer), DataType.FLOAT, [1, lm.kvHeads, 'capacity', hd]), io.seqlensK, io.totalLength],
    { outputs: [`${layer}.attn_out`, `${layer}.present_key`, `${layer}.present_value`], attrs: { num_heads: lm.heads, kv_num_heads: lm.kvHeads }, domain: 'ms' },
  );
  g.output(k, DecoderIO.newKey(layer), DataType.FLOAT, [1, 'seq', kvDim]);
  g.output(v!, DecoderIO.newValue(layer), DataType.FLOAT, [1, 'seq', kvDim]);
  const o = linear(g, attn!, 'self_attn.o_proj', await load(key('self_attn.o_proj.weight')), D, qDim, format);
  // The residual add and the norm after it in one node (x + o is its fourth output).
  const [m, , , sum] = g.node('SkipSimplifiedLayerNormalization', [x, o, g.weight('post_attention_layernorm.weight', await load(key('post_attention_layernorm.weight')), [D])], {
    outputs: [`${layer}.post_attention_norm`, '', '', `${layer}.attention_residual`],
    attrs: { epsilon: { float: lm.rmsNormEps } },
    domain: 'ms',
  });
  x = sum!;
  const I = lm.intermediateSize;
  const gateUp = linear(g, m!, 'mlp.gate_up_proj', concatFloat32([await load(key('mlp.gate_proj.weight')), await load(key('mlp.up_proj.weight'))]), 2 * I, D, format);
  const [gate, up] = g.node('Split', [gateUp, g.constant('split', new BigInt64Array([BigInt(I), BigInt(I)]), [2])], { outputs: 2, attrs: { axis: -1 } });
  const act = g.op('Mul', [g.op('QuickGelu', [gate!], { alpha: { float: 1 } }, 'ms'), up!]); // QuickGelu with α=1 is SiLU
  return g.op('Add', [x, linear(g, act, 'mlp.down_proj', await load(key('mlp.down_proj.weight')), D, I, format)]);
}

