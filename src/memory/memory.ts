// An image's memory: the keys and values of every gated cross-attention block, computed once per image.
import { floatOutput, type ModelSession, type FloatTensor } from '../onnx/model-session.ts';
import type { Architecture } from '../package/manifest.ts';
import { MemoryIO } from './io.ts';

export interface ImageMemory {
  /** Media tokens of this image: views · (1 + P). */
  tokens: number;
  /** Per cross-attention block, [1, H, tokens, dh]. */
  keys: FloatTensor[];
  values: FloatTensor[];
  bytes: number;
}

export async function computeMemory(
  session: ModelSession,
  arch: Architecture,
  features: Float32Array,
  positions: Float32Array,
  views: number,
): Promise<ImageMemory> {
  const { tokensPerView: L, width: Dv } = arch.vision;
  const outputs = await session.run({
    features: { data: features, dims: [views, L, Dv] },
    positions: { data: positions, dims: [views, Dv] },
  });
  const blocks = arch.crossAttention.decoderLayers.length;
  const keys = Array.from({ length: blocks }, (_, b) => floatOutput(outputs, MemoryIO.key(b)));
  const values = Array.from({ length: blocks }, (_, b) => floatOutput(outputs, MemoryIO.value(b)));
  const bytes = [...keys, ...values].reduce((n, t) => n + t.data.byteLength, 0);
  return { tokens: views * L, keys, values, bytes };
}
