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
import type { GraphContext } from '../onnx/context.ts';
import { DataType } from '../onnx/graph.ts';
import { gelu, gqa, int64, layerNorm, mha, rmsNorm, rotary, silu, skipRmsNorm, split } from '../onnx/ops.ts';
import { mapFloat32 } from '../onnx/tensors.ts';
import { LM, crossKey, decoderKey } from '../package/keys.ts';
import type { Architecture } from '../package/manifest.ts';
import { DecoderIO } from './io.ts';

type Context = GraphContext<Architecture>;

export async function buildDecoderGraph(ctx: Context): Promise<void> {
  const { g, arch, load, linear } = ctx;
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

  let x = await g.scope('embed_tokens', async () =>
    ctx.embedding({
      name: 'weight',
      table: await load(`${LM}model.embed_tokens.weight`),
      shape: [lm.vocabSize, D],
      ids,
    }),
  );

  const { cos, sin } = ropeCache(lm.maxPositions, hd, lm.ropeTheta);
  const rope = {
    positions,
    cos: g.weight('rope.cos', cos, [lm.maxPositions, hd / 2]),
    sin: g.weight('rope.sin', sin, [lm.maxPositions, hd / 2]),
  };

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
      const withImage = await ctx.subgraph(`layers.${i}.gated_cross_attn`, output, (sub) =>
        crossBlock(sub, before, i, { crossBias, crossRows, memory }),
      );
      const withoutImage = await g.subgraph(`layers.${i}.no_image`, output, (b) => b.op('Identity', [before]));
      x = g.op('If', [hasImage], { then_branch: { graph: withImage }, else_branch: { graph: withoutImage } });
    }
    x = await g.scope(`layers.${i}`, () => decoderLayer(ctx, x, i, { rope, seqlensK, totalLength }));
  }

  const normed = rmsNorm(g, { name: 'norm', x, weight: await load(`${LM}model.norm.weight`), eps: lm.rmsNormEps });
  const last = g.op('Slice', [normed, logitsFrom, int64(g, 'end', [Number.MAX_SAFE_INTEGER]), int64(g, 'axis', [1])]);
  const logits = linear({
    name: 'lm_head',
    x: last,
    weight: await load(`${LM}lm_head.weight`),
    shape: [lm.vocabSize, D],
  });
  g.output(logits, DecoderIO.logits, DataType.FLOAT, [1, 'logits_len', lm.vocabSize]);
}

/** cos/sin of position·θ^(-2j/hd) for j < hd/2, computed in float64 (the rotate-half convention of HF LLaMA). */
function ropeCache(maxPositions: number, hd: number, theta: number): { cos: Float32Array; sin: Float32Array } {
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
  { g, arch, load, linear }: Context,
  x: string,
  layer: number,
  io: { crossBias: string; crossRows: string; memory: { keys: string; values: string } },
): Promise<string> {
  const D = arch.language.hiddenSize;
  const { heads: H, dimHead: dh, ffMult, layerNormEps: eps } = arch.crossAttention;
  const inner = H * dh;
  const key = (name: string) => crossKey(layer, name);
  const norm = async (name: string, y: string) =>
    layerNorm(g, { name, x: y, weight: await load(key(`${name}.weight`)), bias: await load(key(`${name}.bias`)), eps });

  const q = linear({
    name: 'attn.to_q',
    x: await norm('attn.norm', x),
    weight: await load(key('attn.to_q.weight')),
    shape: [inner, D],
  });
  const attn = mha(g, { q, k: io.memory.keys, v: io.memory.values, heads: H, bias: io.crossBias }); // [1, T, inner]
  const out = linear({
    name: 'attn.to_out',
    x: attn,
    weight: await load(key('attn.to_out.weight')),
    shape: [D, inner],
  });
  const attnGate = g.weight('attn_gate.tanh', mapFloat32(await load(key('attn_gate')), Math.tanh), [D]);
  x = g.op('Add', [x, g.op('Mul', [g.op('Mul', [out, attnGate]), io.crossRows])]);

  const ff1 = linear({
    name: 'ff.1',
    x: await norm('ff.0', x),
    weight: await load(key('ff.1.weight')),
    shape: [D * ffMult, D],
  });
  const ff3 = linear({ name: 'ff.3', x: gelu(g, ff1), weight: await load(key('ff.3.weight')), shape: [D, D * ffMult] });
  const ffGate = g.weight('ff_gate.tanh', mapFloat32(await load(key('ff_gate')), Math.tanh), [D]);
  return g.op('Add', [x, g.op('Mul', [ff3, ffGate])]);
}

async function decoderLayer(
  ctx: Context,
  x: string,
  layer: number,
  io: { rope: { positions: string; cos: string; sin: string }; seqlensK: string; totalLength: string },
): Promise<string> {
  const { g, arch, load, linear } = ctx;
  const lm = arch.language;
  const D = lm.hiddenSize;
  const hd = lm.headDim;
  const eps = lm.rmsNormEps;
  const key = (name: string) => decoderKey(layer, name);
  const qDim = lm.heads * hd;
  const kvDim = lm.kvHeads * hd;

  const h = rmsNorm(g, { name: 'input_layernorm', x, weight: await load(key('input_layernorm.weight')), eps });
  const wqkv = [
    await load(key('self_attn.q_proj.weight')),
    await load(key('self_attn.k_proj.weight')),
    await load(key('self_attn.v_proj.weight')),
  ];
  const qkv = linear({ name: 'self_attn.qkv_proj', x: h, weight: wqkv, shape: [qDim + 2 * kvDim, D] });
  // The new rows are named as the graph outputs they are: an output under another name costs an Identity node.
  const [q0, k0, v] = split(g, {
    x: qkv,
    sizes: [qDim, kvDim, kvDim],
    outputs: [`${layer}.q`, `${layer}.k`, DecoderIO.newValue(layer)],
  });
  const q = rotary(g, { x: q0!, ...io.rope, heads: lm.heads, output: `${layer}.q_rope` });
  const k = rotary(g, { x: k0!, ...io.rope, heads: lm.kvHeads, output: DecoderIO.newKey(layer) });
  // The cache stays in the runner's buffers: the graph reads them as inputs and returns only the new rows, since
  // ONNX Runtime's Node binding copies every output into a fresh buffer (a present cache would be copied whole
  // each step). GroupQueryAttention reads the valid rows of the past (seqlens) and shares K/V heads itself.
  const attn = gqa(g, {
    q,
    k,
    v: v!,
    past: {
      key: g.input(DecoderIO.pastKey(layer), DataType.FLOAT, [1, lm.kvHeads, 'capacity', hd]),
      value: g.input(DecoderIO.pastValue(layer), DataType.FLOAT, [1, lm.kvHeads, 'capacity', hd]),
    },
    seqlensK: io.seqlensK,
    totalLength: io.totalLength,
    heads: lm.heads,
    kvHeads: lm.kvHeads,
    outputs: {
      attention: `${layer}.attn_out`,
      presentKey: `${layer}.present_key`,
      presentValue: `${layer}.present_value`,
    },
  });
  g.output(k, DecoderIO.newKey(layer), DataType.FLOAT, [1, 'seq', kvDim]);
  g.output(v!, DecoderIO.newValue(layer), DataType.FLOAT, [1, 'seq', kvDim]);
  const o = linear({
    name: 'self_attn.o_proj',
    x: attn,
    weight: await load(key('self_attn.o_proj.weight')),
    shape: [D, qDim],
  });
  // x + o and the norm after it in one node.
  const m = skipRmsNorm(g, {
    name: 'post_attention_layernorm',
    x,
    skip: o,
    weight: await load(key('post_attention_layernorm.weight')),
    eps,
    outputs: { normed: `${layer}.post_attention_norm`, sum: `${layer}.attention_residual` },
  });
  return g.op('Add', [m.sum, await mlp(ctx, m.normed, layer)]);
}

/** The layer's SwiGLU MLP: down(silu(gate(x)) · up(x)), gate and up as one projection. */
async function mlp({ g, arch, load, linear }: Context, x: string, layer: number): Promise<string> {
  const key = (name: string) => decoderKey(layer, name);
  const D = arch.language.hiddenSize;
  const I = arch.language.intermediateSize;
  const gateUp = linear({
    name: 'mlp.gate_up_proj',
    x,
    weight: [await load(key('mlp.gate_proj.weight')), await load(key('mlp.up_proj.weight'))],
    shape: [2 * I, D],
  });
  const [gate, up] = split(g, { x: gateUp, sizes: [I, I] });
  const act = g.op('Mul', [silu(g, gate!), up!]);
  return linear({ name: 'mlp.down_proj', x: act, weight: await load(key('mlp.down_proj.weight')), shape: [D, I] });
}
