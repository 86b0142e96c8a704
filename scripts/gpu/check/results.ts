// What the GPU check writes (--out as JSON, stdout as Markdown): per package, each provider's run and its
// agreement with the CPU.
import type { WeightPrecision } from '../../../src/common/precision.ts';
import type { ProviderName } from '../../../src/onnx/model-session.ts';

export interface StageTimes {
  /** Vision graph over every view, and per view. */
  visionMs: number;
  visionMsPerView: number;
  memoryMs: number;
  prefillMs: number;
  decodeMsPerToken: number;
  tokensPerSecond: number;
  /** Image decoding and tiling (CPU) + vision + image memory + prefill: what a user waits for the first token. */
  timeToFirstTokenMs: number;
}

export interface ProviderRun {
  provider: ProviderName;
  /** Set when the provider could not load or run the package; nothing else is then. */
  error?: string;
  loadMs?: number;
  /** The provider each graph runs on; a GPU provider's sessions refuse CPU fallback, so this is the whole graph. */
  graphs?: Record<string, string>;
  /** The first pass, which includes compiling the GPU's shaders. */
  firstPassMs?: number;
  median?: StageTimes;
  tokens?: number[];
  /** Image memory + KV cache fed to the decoder at the last step: what a GPU provider uploads per token. */
  feedBytesPerStep?: number;
  /** Bytes a decode step must read (decoder weights less the embedding table, image memory, KV cache) ÷ bandwidth. */
  rooflineMsPerToken?: number;
  gpuMemoryMiB?: number;
  rssMiB?: number;
}

/** One prompt's logits and greedy tokens on a provider against the CPU's. */
export interface PromptAgreement {
  prompt: 'short' | 'full';
  promptTokens: number;
  /** |Δ| of the logits at every prompt position ÷ the CPU's standard deviation. */
  logits: number;
  tokensEqual: boolean;
  /** The first generated position where the tokens differ, or -1. */
  firstTokenDifference: number;
  ok: boolean;
}

export interface Agreement {
  provider: ProviderName;
  features: number;
  memory: number;
  /** Relative to the CPU's standard deviation, as TOLERANCE is. */
  tolerance: number;
  prompts: PromptAgreement[];
  ok: boolean;
}

export interface PackageResult {
  name: string;
  precision: WeightPrecision;
  views: number;
  grid: string;
  promptTokens: number;
  decodeAndTilingMs: number;
  runs: ProviderRun[];
  agreement: Agreement[];
}

export interface CheckResult {
  node: string;
  image: string;
  tokens: number;
  repeats: number;
  gpu?: string;
  bandwidthGBs?: number;
  packages: PackageResult[];
}
