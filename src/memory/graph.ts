// The image-memory graph: one image's view features + sub-image position vectors → the keys and values of
// every gated cross-attention block. Computed once per image, then reused by every generated token and every
// follow-up question (the authors' code recomputes them at each decode step).
//
//   features [V, L, Dv] + positions [V, 1, Dv] ─► media [1, V·L, Dv]
//   per block b:  to_kv(media) ─split─► k, v [1, V·L, H·dh] ─► memory_k.b, memory_v.b [1, H, V·L, dh]
import type { GraphContext } from '../onnx/context.ts';
import { DataType } from '../onnx/graph.ts';
import { int64, split } from '../onnx/ops.ts';
import { crossKey } from '../package/keys.ts';
import type { Architecture } from '../package/manifest.ts';
import { MemoryIO } from './io.ts';

export async function buildMemoryGraph({ g, arch, load, linear }: GraphContext<Architecture>): Promise<void> {
  const { width: Dv, tokensPerView: L } = arch.vision;
  const { heads: H, dimHead: dh, decoderLayers } = arch.crossAttention;
  const inner = H * dh;
  const features = g.input('features', DataType.FLOAT, ['views', L, Dv]);
  const positions = g.input('positions', DataType.FLOAT, ['views', Dv]);
  const withPositions = g.op('Add', [features, g.op('Unsqueeze', [positions, int64(g, 'axis1', [1])])]);
  const media = g.op('Reshape', [withPositions, int64(g, 'media_shape', [1, -1, Dv])]); // [1, V·L, Dv]
  const headsShape = int64(g, 'heads_shape', [0, -1, H, dh]);
  const kvSizes = int64(g, 'split', [inner, inner]);
  for (const [b, layer] of decoderLayers.entries()) {
    await g.scope(`cross.${b}`, async () => {
      const kv = linear({
        name: 'to_kv',
        x: media,
        weight: await load(crossKey(layer, 'attn.to_kv.weight')),
        shape: [2 * inner, Dv],
      }); // [1, n, 2·inner]
      const [k, v] = split(g, { x: kv, sizes: kvSizes, outputs: 2 });
      for (const [name, t] of [
        [MemoryIO.key(b), k!],
        [MemoryIO.value(b), v!],
      ] as const) {
        const bnsh = g.op('Transpose', [g.op('Reshape', [t, headsShape])], { perm: [0, 2, 1, 3] }); // [1, H, n, dh]
        g.output(bnsh, name, DataType.FLOAT, [1, H, 'memory', dh]);
      }
    });
  }
}
