// Input and output names of the decoder graph, shared by its builder and its runner.
import { MemoryIO } from '../memory/io.ts';

export const DecoderIO = {
  inputIds: 'input_ids',
  positionIds: 'position_ids',
  /** Index of the first position whose logits are returned (prefill needs only the last one). */
  logitsFrom: 'logits_from',
  /** [1, kvHeads, capacity, headDim]: the cache; rows past the valid length are ignored. */
  pastKey: (layer: number) => `past_key.${layer}`,
  pastValue: (layer: number) => `past_value.${layer}`,
  /** int32 [1]: valid past length + new tokens - 1 (GroupQueryAttention's convention). */
  seqlensK: 'seqlens_k',
  /** int32 [1]: valid past length + new tokens. */
  totalLength: 'total_length',
  /** [1, seq, kvHeads·headDim]: the new positions' keys (RoPE applied) and values, to append to the cache. */
  newKey: (layer: number) => `new_key.${layer}`,
  newValue: (layer: number) => `new_value.${layer}`,
  memoryKey: MemoryIO.key,
  memoryValue: MemoryIO.value,
  /** [1, 1, T, M]: 0 where a token may attend to a memory token (its most recent image), -1e30 elsewhere. */
  crossBias: 'cross_bias',
  /** [1, T, 1]: 1 for tokens at or after the first <image>, else 0 (their cross-attention row is zero). */
  crossRows: 'cross_rows',
  /** [1, 1, 1]: 1 when the conversation holds an image; 0 skips the gated blocks entirely. */
  crossFlag: 'cross_flag',
  logits: 'logits',
} as const;

/** A finite stand-in for -∞: a row masked entirely would turn -∞ into NaN inside the softmax. */
export const MASKED = -1e30;
