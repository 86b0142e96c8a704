// An image's memory: the keys and values of every gated cross-attention block, computed once per image.
import { ort } from '../onnx/ort.ts';
import type { Architecture } from '../package/manifest.ts';
import { MemoryIO } from './io.ts';

export interface ImageMemory {
  /** Media tokens of this image: views · (1 + P). */
  tokens: number;
  /** Per cross-attention block, [1, H, tokens, dh]. */
  keys: ort.Tensor[];
  values: ort.Tensor[];
  bytes: number;
}

export async function computeMemory(session: ort.InferenceSession, arch: Architecture, features: Float32Array, positions: Float32Array, views: number): Promise<ImageMemory> {
  const { tokensPerView: L, width: Dv } = arch.vision;
  const outputs = await session.run({
    features: new ort.Tensor('float32', features, [views, L, Dv]),
    positions: new ort.Tensor('float32', positions, [views, Dv]),
  });
  const blocks = arch.crossAttention.decoderLayers.length;
  const keys = Array.from({ length: blocks }, (_, b) => outputs[MemoryIO.key(b)]!);
  const values = Array.from({ length: blocks }, (_, b) => outputs[MemoryIO.value(b)]!);
  const bytes = [...keys, ...values].reduce((n, t) => n + (t.data as Float32Array).byteLength, 0);
  return { tokens: views * L, keys, values, bytes };
}
