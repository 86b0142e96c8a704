// The one table that maps checkpoint keys to the canonical names the graph builders load: the authors'
// Flamingo names (`vision_encoder.*`, `lang_encoder.*`) at the root, or under one wrapper prefix.
import { crossKey, decoderKey, LM } from '../package/keys.ts';
import type { Architecture } from '../package/manifest.ts';

/** Wrapper prefixes tried in order; a checkpoint uses one of them for all its keys. */
export const WRAPPER_PREFIXES = ['', 'model.'] as const;

/** Other spellings of the same modules: the Flamingo wrapper registers the LLaMA layers twice. */
const ALIASES: ReadonlyArray<[RegExp, string]> = [
  [/^vision_encoder\.visual\./, 'vision_encoder.'],
  [/^lang_encoder\.old_decoder_blocks\.(\d+)\./, 'lang_encoder.model.layers.$1.decoder_layer.'],
  [/^lang_encoder\.gated_cross_attn_layers\.(\d+)\./, 'lang_encoder.model.layers.$1.gated_cross_attn_layer.'],
];

/** Stored in the checkpoint but not part of InfiMM-HD's computation. */
const UNUSED: readonly RegExp[] = [
  /^vision_encoder\.norm\.(weight|bias)$/, // features are taken before the final norm
  /^vision_encoder\.head\.(weight|bias)$/, // the CLIP projection head
  /\.rotary_emb\.inv_freq$/, // recomputed from rope_theta
];

/** The canonical name of a checkpoint key under `prefix`, 'unused', or undefined when the key is not ours. */
export function canonicalName(key: string, prefix: string): string | 'unused' | undefined {
  if (!key.startsWith(prefix)) return undefined;
  let name = key.slice(prefix.length);
  for (const [pattern, replacement] of ALIASES) name = name.replace(pattern, replacement);
  if (UNUSED.some((p) => p.test(name))) return 'unused';
  return name.startsWith('vision_encoder.') || name.startsWith(LM) ? name : undefined;
}

/** Every tensor the graphs need, with its shape: what a checkpoint must contain, exactly. */
export function expectedTensors(arch: Architecture): Map<string, number[]> {
  const v = arch.vision;
  const lm = arch.language;
  const xa = arch.crossAttention;
  const D = lm.hiddenSize;
  const inner = xa.heads * xa.dimHead;
  const out = new Map<string, number[]>();
  const V = 'vision_encoder.';
  out.set(`${V}patch_embed.proj.weight`, [v.width, 3, v.patchSize, v.patchSize]);
  out.set(`${V}patch_embed.proj.bias`, [v.width]);
  out.set(`${V}cls_token`, [1, 1, v.width]);
  out.set(`${V}pos_embed`, [1, v.tokensPerView, v.width]);
  for (let i = 0; i < v.layers; i++) {
    const b = `${V}blocks.${i}.`;
    out.set(`${b}norm1.weight`, [v.width]).set(`${b}norm1.bias`, [v.width]);
    out.set(`${b}norm2.weight`, [v.width]).set(`${b}norm2.bias`, [v.width]);
    out.set(`${b}attn.qkv.weight`, [3 * v.width, v.width]);
    out.set(`${b}attn.q_bias`, [v.width]).set(`${b}attn.v_bias`, [v.width]);
    out.set(`${b}attn.proj.weight`, [v.width, v.width]).set(`${b}attn.proj.bias`, [v.width]);
    out.set(`${b}mlp.fc1.weight`, [v.mlpHidden, v.width]).set(`${b}mlp.fc1.bias`, [v.mlpHidden]);
    out.set(`${b}mlp.fc2.weight`, [v.width, v.mlpHidden]).set(`${b}mlp.fc2.bias`, [v.width]);
  }
  out.set(`${LM}model.embed_tokens.weight`, [lm.vocabSize, D]);
  out.set(`${LM}model.norm.weight`, [D]);
  out.set(`${LM}lm_head.weight`, [lm.vocabSize, D]);
  for (let i = 0; i < lm.layers; i++) {
    const k = (name: string) => decoderKey(i, name);
    out.set(k('self_attn.q_proj.weight'), [lm.heads * lm.headDim, D]);
    out.set(k('self_attn.k_proj.weight'), [lm.kvHeads * lm.headDim, D]);
    out.set(k('self_attn.v_proj.weight'), [lm.kvHeads * lm.headDim, D]);
    out.set(k('self_attn.o_proj.weight'), [D, lm.heads * lm.headDim]);
    out.set(k('mlp.gate_proj.weight'), [lm.intermediateSize, D]);
    out.set(k('mlp.up_proj.weight'), [lm.intermediateSize, D]);
    out.set(k('mlp.down_proj.weight'), [D, lm.intermediateSize]);
    out.set(k('input_layernorm.weight'), [D]).set(k('post_attention_layernorm.weight'), [D]);
  }
  for (const i of xa.decoderLayers) {
    const k = (name: string) => crossKey(i, name);
    out.set(k('attn.norm.weight'), [D]).set(k('attn.norm.bias'), [D]);
    out.set(k('attn.to_q.weight'), [inner, D]);
    out.set(k('attn.to_kv.weight'), [2 * inner, v.width]);
    out.set(k('attn.to_out.weight'), [D, inner]);
    out.set(k('attn_gate'), [D]).set(k('ff_gate'), [D]);
    out.set(k('ff.0.weight'), [D]).set(k('ff.0.bias'), [D]);
    out.set(k('ff.1.weight'), [D * xa.ffMult, D]);
    out.set(k('ff.3.weight'), [D, D * xa.ffMult]);
  }
  return out;
}
