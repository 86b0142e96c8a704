// The model package: one folder = one model. manifest.json describes the architecture, the tokens, the prompt,
// the tiling and every file with its size and sha256; a runtime refuses a package of another format version.
import type { ActivationPrecision, WeightPrecision } from '../common/precision.ts';

export const PACKAGE_FORMAT = 'infimm-hd-package';
/** Bumped whenever a graph's inputs/outputs or a manifest field's meaning changes. */
export const PACKAGE_VERSION = 2;

export interface VisionArch {
  imageSize: number;
  patchSize: number;
  width: number;
  layers: number;
  heads: number;
  mlpHidden: number;
  layerNormEps: number;
  /** 1 + (imageSize / patchSize)²: CLS + patches. */
  tokensPerView: number;
}

export interface LanguageArch {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  rmsNormEps: number;
  ropeTheta: number;
  maxPositions: number;
}

export interface CrossAttentionArch {
  everyNLayers: number;
  /** Decoder layers preceded by a gated cross-attention block: (i + 1) mod everyNLayers = 0. */
  decoderLayers: number[];
  heads: number;
  dimHead: number;
  ffMult: number;
  layerNormEps: number;
}

export interface Architecture {
  vision: VisionArch;
  language: LanguageArch;
  crossAttention: CrossAttentionArch;
}

export interface TokenIds {
  bos: number;
  eos: number;
  pad: number;
  endOfChunk: number;
  image: number;
}

export interface TilingSpec {
  tileSize: number;
  rounding: 'nearest';
  resize: 'squash';
  interpolation: 'bicubic';
  thumbnail: 'always';
  subImagePosition: 'sincos2d';
}

/** The model was trained with its image's OCR lines before the first question (src/tokens/ocr-context.ts). */
export interface OcrContextSpec {
  /** The context's token budget in training. */
  maxTokens: number;
  /** Code rows carry the gutter's line number ("12: code"), as in training; absent: they do not. */
  lineNumbers?: boolean;
}

export interface FileEntry {
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof PACKAGE_FORMAT;
  version: number;
  name: string;
  /** The model card: an http(s) URL, or a path relative to the package folder. */
  card?: string;
  architecture: Architecture;
  tokens: TokenIds;
  tokenizer: string;
  /** No `ocrContext`: the model was trained without OCR context (the released checkpoints). */
  prompt: { template: 'vicuna-v1'; system: string; ocrContext?: OcrContextSpec };
  tiling: TilingSpec;
  image: { mean: [number, number, number]; std: [number, number, number] };
  /** int8/int4: symmetric blocks of `blockSize`, multiplied with `activations` (absent in older packages: fp32). */
  weights: { precision: WeightPrecision; blockSize?: number; activations?: ActivationPrecision };
  graphs: { vision: string; memory: string; decoder: string };
  files: Record<string, FileEntry>;
}

export const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];
export const VICUNA_SYSTEM =
  "A chat between a curious user and an artificial intelligence assistant. The assistant gives helpful, detailed, and polite answers to the user's questions.";
