// Runs the decoder graph over new tokens of a conversation, keeping its self-attention KV cache and the
// cross-attention inputs derived from where the <image> tokens are.
import type { ImageMemory } from '../memory/memory.ts';
import { type FloatTensor, floatOutput, type ModelSession, type Tensor, type Tensors } from '../onnx/model-session.ts';
import type { Architecture, TokenIds } from '../package/manifest.ts';
import { DecoderIO, MASKED } from './io.ts';

/** The memories of a conversation's images, concatenated along the token axis in <image> order. */
export interface CrossContext {
  keys: FloatTensor[];
  values: FloatTensor[];
  /** Image j's memory tokens are [spans[j].start, spans[j].end). */
  spans: { start: number; end: number }[];
  tokens: number;
}

export function crossContext(arch: Architecture, images: readonly ImageMemory[]): CrossContext {
  const { heads: H, dimHead: dh, decoderLayers } = arch.crossAttention;
  const spans: CrossContext['spans'] = [];
  let tokens = 0;
  for (const m of images) {
    spans.push({ start: tokens, end: tokens + m.tokens });
    tokens += m.tokens;
  }
  if (images.length === 1) return { keys: images[0]!.keys, values: images[0]!.values, spans, tokens };
  // No image: one zero token keeps the shapes valid; cross_flag = 0 makes the blocks add exactly nothing.
  const concat = (pick: (m: ImageMemory) => FloatTensor[], b: number): FloatTensor => {
    const out = new Float32Array(H * Math.max(tokens, 1) * dh);
    for (let h = 0; h < H; h++) {
      let offset = h * Math.max(tokens, 1) * dh;
      for (const m of images) {
        const data = pick(m)[b]!.data;
        out.set(data.subarray(h * m.tokens * dh, (h + 1) * m.tokens * dh), offset);
        offset += m.tokens * dh;
      }
    }
    return { data: out, dims: [1, H, Math.max(tokens, 1), dh] };
  };
  return {
    keys: decoderLayers.map((_, b) => concat((m) => m.keys, b)),
    values: decoderLayers.map((_, b) => concat((m) => m.values, b)),
    spans,
    tokens,
  };
}

/** Cache rows are added in chunks of this many positions: a reallocation (and copy) every CHUNK tokens. */
const CHUNK = 64;

/**
 * One conversation's state in the decoder: its KV cache and how many <image> tokens it has seen. The cache of
 * each layer lives in two buffers [kvHeads, capacity, headDim] owned here and read by the graph in place; rows
 * [0, length) are valid.
 */
export class DecoderState {
  private keys: Float32Array[];
  private values: Float32Array[];
  private capacity = 0;
  length = 0;
  imagesSeen = 0;
  private readonly kvHeads: number;
  private readonly headDim: number;

  constructor(
    arch: Architecture,
    readonly cross: CrossContext,
  ) {
    this.kvHeads = arch.language.kvHeads;
    this.headDim = arch.language.headDim;
    this.keys = Array.from({ length: arch.language.layers }, () => new Float32Array(0));
    this.values = Array.from({ length: arch.language.layers }, () => new Float32Array(0));
  }

  /** Forgets every position from `keep` on (a follow-up that rewrites the end of the previous answer). */
  truncate(keep: number): void {
    this.length = Math.min(this.length, keep);
  }

  get cacheBytes(): number {
    return 2 * this.keys.reduce((n, k) => n + k.byteLength, 0);
  }

  /** The cache of `layer` as the graph's past inputs. */
  past(layer: number): [Tensor, Tensor] {
    const dims = [1, this.kvHeads, this.capacity, this.headDim];
    return [
      { data: this.keys[layer]!, dims },
      { data: this.values[layer]!, dims },
    ];
  }

  /** Appends the new positions' rows, [T, kvHeads·headDim] per layer, growing the buffers when full. */
  append(newKeys: Float32Array[], newValues: Float32Array[], T: number): void {
    const { kvHeads: H, headDim: hd, length: L } = this;
    if (L + T > this.capacity) {
      const capacity = Math.ceil((L + T) / CHUNK) * CHUNK;
      const grow = (old: Float32Array) => {
        const out = new Float32Array(H * capacity * hd);
        for (let h = 0; h < H; h++)
          out.set(old.subarray(h * this.capacity * hd, (h * this.capacity + L) * hd), h * capacity * hd);
        return out;
      };
      this.keys = this.keys.map(grow);
      this.values = this.values.map(grow);
      this.capacity = capacity;
    }
    const cap = this.capacity;
    const scatter = (into: Float32Array, rows: Float32Array) => {
      for (let t = 0; t < T; t++) {
        for (let h = 0; h < H; h++)
          into.set(rows.subarray((t * H + h) * hd, (t * H + h + 1) * hd), (h * cap + L + t) * hd);
      }
    };
    for (let l = 0; l < this.keys.length; l++) {
      scatter(this.keys[l]!, newKeys[l]!);
      scatter(this.values[l]!, newValues[l]!);
    }
    this.length = L + T;
  }
}

export class Decoder {
  constructor(
    private readonly session: ModelSession,
    private readonly arch: Architecture,
    private readonly tokens: TokenIds,
  ) {}

  /**
   * Appends `ids` to the conversation and returns the logits of its last position ([1, V]), or of every new
   * position ([T, V]) when `allLogits` is set.
   */
  async forward(state: DecoderState, ids: readonly number[], allLogits = false): Promise<Float32Array> {
    const T = ids.length;
    const { cross } = state;
    const hasImage = cross.spans.length > 0;
    const M = Math.max(cross.tokens, 1);
    const bias = new Float32Array(T * M);
    const rows = new Float32Array(T);
    let seen = state.imagesSeen;
    for (let t = 0; t < T; t++) {
      if (ids[t] === this.tokens.image) seen++; // the <image> token attends to its own image
      if (!hasImage) continue;
      if (seen > cross.spans.length)
        throw new Error(`the prompt has more <image> tokens than images (${cross.spans.length})`);
      rows[t] = seen > 0 ? 1 : 0;
      const span = cross.spans[Math.max(seen, 1) - 1]!;
      for (let m = 0; m < M; m++) bias[t * M + m] = m >= span.start && m < span.end ? 0 : MASKED;
    }
    const feeds: Tensors = {
      [DecoderIO.inputIds]: { data: BigInt64Array.from(ids, BigInt), dims: [1, T] },
      [DecoderIO.positionIds]: {
        data: BigInt64Array.from({ length: T }, (_, t) => BigInt(state.length + t)),
        dims: [1, T],
      },
      [DecoderIO.logitsFrom]: { data: BigInt64Array.of(BigInt(allLogits ? 0 : T - 1)), dims: [1] },
      [DecoderIO.crossBias]: { data: bias, dims: [1, 1, T, M] },
      [DecoderIO.crossRows]: { data: rows, dims: [1, T, 1] },
      [DecoderIO.crossFlag]: { data: Float32Array.of(hasImage ? 1 : 0), dims: [1, 1, 1] },
      [DecoderIO.seqlensK]: { data: Int32Array.of(state.length + T - 1), dims: [1] },
      [DecoderIO.totalLength]: { data: Int32Array.of(state.length + T), dims: [1] },
    };
    const layers = this.arch.language.layers;
    for (let l = 0; l < layers; l++) [feeds[DecoderIO.pastKey(l)], feeds[DecoderIO.pastValue(l)]] = state.past(l);
    for (let b = 0; b < this.arch.crossAttention.decoderLayers.length; b++) {
      feeds[DecoderIO.memoryKey(b)] = cross.keys[b]!;
      feeds[DecoderIO.memoryValue(b)] = cross.values[b]!;
    }
    const out = await this.session.run(feeds);
    const newRows = (name: (l: number) => string) =>
      Array.from({ length: layers }, (_, l) => floatOutput(out, name(l)).data);
    state.append(newRows(DecoderIO.newKey), newRows(DecoderIO.newValue), T);
    state.imagesSeen = seen;
    return floatOutput(out, DecoderIO.logits).data;
  }
}
