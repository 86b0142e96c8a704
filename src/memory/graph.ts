// The image-memory graph: one image's view features + sub-image position vectors → the keys and values of
// every gated cross-attention block. Computed once per image, then reused by every generated token and every
// follow-up question (the authors' code recomputes them at each decode step).
//
//   features [V, L, Dv] + positions [V, 1, Dv] ─► media [1, V·L, Dv]
//   per block b:  to_kv(media) ─split─► k, v [1, V·L, H·dh] ─► memory_k.b, memory_v.b [1, H, V·L, dh]
import type { WeightFormat } from '../common/precision.ts';
import { DataType, type GraphBuilder } from '../onnx/graph.ts';
import { linear } from '../onnx/linear.ts';
import type { LoadTensor } from '../onnx/tensors.ts';
import { crossKey } from '../package/keys.ts';
import type { Architecture } from '../package/manifest.ts';
import { MemoryIO } from './io.ts';

export async function buildMemoryGraph(g: GraphBuilder, arch: Architecture, load: LoadTensor, format: WeightFormat): Promise<void> {
  const { width: Dv, tokensPerView: L } = arch.vision;
  const { heads: H, dimHead: dh, decoderLayers } = arch.crossAttention;
  const inner = H * dh;
  const features = g.input('features', DataType.FLOAT, ['views', L, Dv]);
  const positions = g.input('positions', DataType.FLOAT, ['views', Dv]);
  const withPositions = g.op('Add', [features, g.op('Unsqueeze', [positions, g.constant('axis1', new BigInt64Array([1n]), [1])])]);
  const media = g.op('Reshape', [withPositions, g.constant('media_shape', new BigInt64Array([1n, -1n, BigInt(Dv)]), [3])]); // [1, V·L, Dv]
  const headsShape = g.constant('heads_shape', new BigInt64Array([0n, -1n, BigInt(H), BigInt(dh)]), [4]);
  const split = g.constant('split', new BigInt64Array([BigInt(inner), BigInt(inner)]), [2]);
  for (const [b, layer] of decoderLayers.entries()) {
    await g.scope(`cross.${b}`, async () => {
      const kv = linear(g, media, 'to_kv', await load(crossKey(layer, 'attn.to_kv.weight')), 2 * inner, Dv, format); // [1, n, 2·inner]
      const [k, v] = g.node('Split', [kv, split], { outputs: 2, attrs: { axis: -1 } });
      for (const [name, t] of [[MemoryIO.key(b), k!], [MemoryIO.value(b), v!]] as const) {
        const bnsh = g.op('Transpose', [g.op('Reshape', [t, headsShape])], { perm: [0, 2, 1, 3] }); // [1, H, n, dh]
        g.output(bnsh, name, DataType.FLOAT, [1, H, 'memory', dh]);
      }
    });
  }
}
