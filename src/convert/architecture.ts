// The architecture of a checkpoint, from its InfiMM-HD `config.json`, with the fields a config may leave out
// taken from the tensors' shapes. Every shape is checked against it afterwards (expectedTensors).
import { crossKey, decoderKey, LM } from '../package/keys.ts';
import type { Architecture, CrossAttentionArch, LanguageArch, TokenIds, VisionArch } from '../package/manifest.ts';
import { ConvertError } from './errors.ts';

type Json = Record<string, unknown>;
type ShapeOf = (canonical: string) => number[] | undefined;

function section(config: Json, names: string[]): Json {
  for (const n of names) if (typeof config[n] === 'object' && config[n] !== null) return config[n] as Json;
  return config; // a flat config keeps the fields at the top level
}

/** A config's numbers and the checkpoint's tensor shapes, with an error in words for each one needed and missing. */
class Fields {
  constructor(
    readonly config: Json,
    private readonly shapeOf: ShapeOf,
    readonly file: string,
  ) {}

  num(sec: Json, names: string[], fallback?: number): number {
    for (const n of names) if (typeof sec[n] === 'number') return sec[n] as number;
    if (fallback === undefined)
      throw new ConvertError(`config.json has no "${names[0]}"; it is needed to convert this checkpoint`, this.file);
    return fallback;
  }

  shape(name: string): number[] | undefined {
    return this.shapeOf(name);
  }

  need(name: string): number[] {
    const s = this.shapeOf(name);
    if (!s) throw new ConvertError(`the checkpoint has no tensor "${name}"`, undefined, name);
    return s;
  }

  countIndexed(key: (i: number) => string): number {
    let n = 0;
    while (this.shapeOf(key(n))) n++;
    return n;
  }

  /** A config value that is not a whole positive number cannot size a graph. */
  checkCounts(counts: Record<string, number>): void {
    for (const [what, value] of Object.entries(counts)) {
      if (!Number.isInteger(value) || value <= 0)
        throw new ConvertError(`config.json gives a non-integer ${what} (${value})`, this.file);
    }
  }
}

function visionArchitecture(f: Fields): VisionArch {
  const vc = section(f.config, ['visual', 'vision_config', 'vision_cfg']);
  const patch = f.need('vision_encoder.patch_embed.proj.weight');
  const width = f.num(vc, ['width', 'hidden_size'], patch[0]);
  const patchSize = f.num(vc, ['patch_size'], patch[2]);
  const imageSize = f.num(vc, ['image_size']);
  const mlpRatio = typeof vc['mlp_ratio'] === 'number' ? (vc['mlp_ratio'] as number) : undefined;
  return {
    imageSize,
    patchSize,
    width,
    layers: f.num(
      vc,
      ['layers', 'num_hidden_layers'],
      f.countIndexed((i) => `vision_encoder.blocks.${i}.attn.qkv.weight`),
    ),
    heads:
      typeof vc['head_width'] === 'number'
        ? width / (vc['head_width'] as number)
        : f.num(vc, ['heads', 'num_attention_heads']),
    mlpHidden:
      mlpRatio !== undefined ? Math.floor(width * mlpRatio) : f.need('vision_encoder.blocks.0.mlp.fc1.weight')[0]!,
    layerNormEps: f.num(vc, ['layer_norm_eps'], 1e-6),
    tokensPerView: 1 + (imageSize / patchSize) ** 2,
  };
}

function languageArchitecture(f: Fields, lc: Json): LanguageArch {
  const embed = f.need(`${LM}model.embed_tokens.weight`);
  const hiddenSize = f.num(lc, ['hidden_size'], embed[1]);
  const heads = f.num(lc, ['num_attention_heads']);
  const language = {
    vocabSize: f.num(lc, ['vocab_size'], embed[0]),
    hiddenSize,
    intermediateSize: f.num(lc, ['intermediate_size'], f.need(decoderKey(0, 'mlp.gate_proj.weight'))[0]),
    layers: f.num(
      lc,
      ['num_hidden_layers'],
      f.countIndexed((i) => decoderKey(i, 'self_attn.q_proj.weight')),
    ),
    heads,
    kvHeads: f.num(lc, ['num_key_value_heads'], heads),
    headDim: hiddenSize / heads,
    rmsNormEps: f.num(lc, ['rms_norm_eps'], 1e-5),
    ropeTheta: f.num(lc, ['rope_theta'], 10000),
    maxPositions: f.num(lc, ['max_position_embeddings'], f.num(f.config, ['seq_length'], 4096)),
  };
  // A checkpoint whose vocabulary was resized for the two added tokens may keep the old size in its config.
  if (embed[0] === language.vocabSize + 2) language.vocabSize = embed[0]!;
  return language;
}

/** The gated blocks the config announces must be exactly those the checkpoint holds. */
function crossAttentionArchitecture(f: Fields, layers: number, hiddenSize: number): CrossAttentionArch {
  const everyN = f.num(f.config, ['cross_attn_every_n_layers']);
  const decoderLayers = Array.from({ length: layers }, (_, i) => i).filter((i) => (i + 1) % everyN === 0);
  for (let i = 0; i < layers; i++) {
    const present = f.shape(crossKey(i, 'attn.to_q.weight')) !== undefined;
    if (present !== decoderLayers.includes(i)) {
      throw new ConvertError(
        `config.json says a gated cross-attention block every ${everyN} layers, but decoder layer ${i} ${present ? 'has' : 'has no'} such block in the checkpoint`,
        f.file,
        crossKey(i, 'attn.to_q.weight'),
      );
    }
  }
  const xc = section(f.config, ['cross_attention']);
  const own = xc === f.config ? {} : xc;
  const firstCross = decoderLayers[0];
  const inner = firstCross === undefined ? 0 : f.need(crossKey(firstCross, 'attn.to_q.weight'))[0]!;
  const dimHead = f.num(own, ['dim_head'], 64);
  return {
    everyNLayers: everyN,
    decoderLayers,
    heads: f.num(own, ['heads'], inner / dimHead),
    dimHead,
    ffMult: f.num(
      own,
      ['ff_mult'],
      firstCross === undefined ? 1 : f.need(crossKey(firstCross, 'ff.1.weight'))[0]! / hiddenSize,
    ),
    layerNormEps: 1e-5,
  };
}

export function deriveArchitecture(
  config: Json,
  shapeOf: ShapeOf,
  configFile: string,
): { arch: Architecture; tokens: TokenIds } {
  const f = new Fields(config, shapeOf, configFile);
  const vision = visionArchitecture(f);
  const lc = section(config, ['language', 'text_config', 'lm_config', 'llm_config']);
  const language = languageArchitecture(f, lc);
  const crossAttention = crossAttentionArchitecture(f, language.layers, language.hiddenSize);
  f.checkCounts({
    'vision heads': vision.heads,
    'head dim': language.headDim,
    'cross-attention heads': crossAttention.heads,
  });
  const tokens: TokenIds = {
    bos: f.num(lc, ['bos_token_id'], 1),
    eos: f.num(lc, ['eos_token_id'], 2),
    pad: f.num(lc, ['pad_token_id'], 0),
    endOfChunk: f.num(config, ['eoc_token_id'], language.vocabSize - 2),
    image: f.num(config, ['image_token_id', 'media_token_id'], language.vocabSize - 1),
  };
  return { arch: { vision, language, crossAttention }, tokens };
}
