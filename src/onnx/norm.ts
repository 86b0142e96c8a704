// LayerNorm with a checkpoint's weight and bias, as the vision blocks and the gated cross-attention blocks use it.
import type { GraphBuilder } from './graph.ts';
import type { LoadTensor } from './tensors.ts';

export async function layerNorm(g: GraphBuilder, x: string, key: string, name: string, dim: number, eps: number, load: LoadTensor): Promise<string> {
  return g.op('LayerNormalization', [x, g.weight(`${name}.weight`, await load(`${key}.weight`), [dim]), g.weight(`${name}.bias`, await load(`${key}.bias`), [dim])], {
    axis: -1,
    epsilon: { float: eps },
  });
}
