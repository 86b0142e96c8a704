// The architecture of a checkpoint, from its InfiMM-HD `config.json`, with the fields a config may leave out
// taken from the tensors' shapes. Every shape is checked against it afterwards (expectedTensors).
import { crossKey, decoderKey, LM } from '../package/keys.ts';
import type { Architecture, TokenIds } from '../package/manifest.ts';
import { ConvertError } from './errors.ts';

type Json = Record<string, unknown>;
type ShapeOf = (canonical: string) => number[] | undefined;

function section(config: Json, names: string[]): Json {
  for (const n of names) if (typeof config[n] === 'object' && config[n] !== null) return config[n] as Json;
  return config; // a flat config keeps the fields at the top level
}

function countIndexed(shapeOf: ShapeOf, key: (i: number) => string): number {
  let n = 0;
  while (shapeOf(key(n))) n++;
  return n;
}

export function deriveArchitecture(config: Json, shapeOf: ShapeOf, configFile: string): { arch: Architecture; tokens: TokenIds } {
  const num = (sec: Json, names: string[], fallback?: number): number => {
    for (const n of names) if (typeof sec[n] === 'number') return sec[n] as number;
    if (fallback === undefined) throw new ConvertError(`config.json has no "${names[0]}"; it is needed to convert this checkpoint`, configFile);
    return fallback;
  };
  const need = (name: string): number[] => {
    const s = shapeOf(name);
    if (!s) throw new ConvertError(`the checkpoint has no tensor "${name}"`, undefined, name);
    return s;
  };

  const vc = section(config, ['visual', 'vision_config', 'vision_cfg']);
  const patch = need('vision_encoder.patch_embed.proj.weight');
  const width = num(vc, ['width', 'hidden_size'], patch[0]);
  const patchSize = num(vc, ['patch_size'], patch[2]);
  const imageSize = num(vc, ['image_size']);
  const visionHeads = typeof vc['head_width'] === 'number' ? width / (vc['head_width'] as number) : num(vc, ['heads', 'num_attention_heads']);
  const mlpRatio = typeof vc['mlp_ratio'] === 'number' ? (vc['mlp_ratio'] as number) : undefined;
  const vision = {
    imageSize,
    patchSize,
    width,
    layers: num(vc, ['layers', 'num_hidden_layers'], countIndexed(shapeOf, (i) => `vision_encoder.blocks.${i}.attn.qkv.weight`)),
    heads: visionHeads,
    mlpHidden: mlpRatio !== undefined ? Math.floor(width * mlpRatio) : need('vision_encoder.blocks.0.mlp.fc1.weight')[0]!,
    layerNormEps: num(vc, ['layer_norm_eps'], 1e-6),
    tokensPerView: 1 + (imageSize / patchSize) ** 2,
  };

  const lc = section(config, ['language', 'text_config', 'lm_config', 'llm_config']);
  const embed = need(`${LM}model.embed_tokens.weight`);
  const hiddenSize = num(lc, ['hidden_size'], embed[1]);
  const heads = num(lc, ['num_attention_heads']);
  const headDim = hiddenSize / heads;
  const layers = num(lc, ['num_hidden_layers'], countIndexed(shapeOf, (i) => decoderKey(i, 'self_attn.q_proj.weight')));
  const language = {
    vocabSize: num(lc, ['vocab_size'], embed[0]),
    hiddenSize,
    intermediateSize: num(lc, ['intermediate_size'], need(decoderKey(0, 'mlp.gate_proj.weight'))[0]),
    layers,
    heads,
    kvHeads: num(lc, ['num_key_value_heads'], heads),
    headDim,
    rmsNormEps: num(lc, ['rms_norm_eps'], 1e-5),
    ropeTheta: num(lc, ['rope_theta'], 10000),
    maxPositions: num(lc, ['max_position_embeddings'], num(config, ['seq_length'], 4096)),
  };
  // A checkpoint whose vocabulary was resized for the two added tokens may keep the old size in its config.
  if (embed[0] === language.vocabSize + 2) language.vocabSize = embed[0]!;

  const everyN = num(config, ['cross_attn_every_n_layers']);
  const decoderLayers = Array.from({ length: layers }, (_, i) => i).filter((i) => (i + 1) % everyN === 0);
  for (let i = 0; i < layers; i++) {
    const present = shapeOf(crossKey(i, 'attn.to_q.weight')) !== undefined;
    if (present !== decoderLayers.includes(i)) {
      throw new ConvertError(
        `config.json says a gated cross-attention block every ${everyN} layers, but decoder layer ${i} ${present ? 'has' : 'has no'} such block in the checkpoint`,
        configFile,
        crossKey(i, 'attn.to_q.weight'),
      );
    }
  }
  const xc = section(config, ['cross_attention']);
  const firstCross = decoderLayers[0];
  const inner = firstCross === undefined ? 0 : need(crossKey(firstCross, 'attn.to_q.weight'))[0]!;
  const dimHead = num(xc === config ? {} : xc, ['dim_head'], 64);
  const crossAttention = {
    everyNLayers: everyN,
    decoderLayers,
    heads: num(xc === config ? {} : xc, ['heads'], inner / dimHead),
    dimHead,
    ffMult: num(xc === config ? {} : xc, ['ff_mult'], firstCross === undefined ? 1 : need(crossKey(firstCross, 'ff.1.weight'))[0]! / hiddenSize),
    layerNormEps: 1e-5,
  };

  for (const [what, value] of Object.entries({ 'vision heads': vision.heads, 'head dim': headDim, 'cross-attention heads': crossAttention.heads })) {
    if (!Number.isInteger(value) || value <= 0) throw new ConvertError(`config.json gives a non-integer ${what} (${value})`, configFile);
  }
  const tokens: TokenIds = {
    bos: num(lc, ['bos_token_id'], 1),
    eos: num(lc, ['eos_token_id'], 2),
    pad: num(lc, ['pad_token_id'], 0),
    endOfChunk: num(config, ['eoc_token_id'], language.vocabSize - 2),
    image: num(config, ['image_token_id', 'media_token_id'], language.vocabSize - 1),
  };
  return { arch: { vision, language, crossAttention }, tokens };
}
