// The vision graph: views [N, 3, S, S] → features [N, 1+P, D], the EVA ViT of InfiMM-HD.
//
//   pixels ─Conv(p×p, stride p)─► [N,D,S/p,S/p] ─► [N,P,D] ─pad a zero row─► [N,1+P,D] ─+(pos_embed, CLS in row 0)─►
//   blocks × L:  x = x + LN₁(proj(MHA(qkv(x))));  x = x + LN₂(fc2(GELU(fc1(x))))     (post-norm)
//   ─► features (the last block's tokens; the final norm and head are not used)
import type { WeightFormat } from '../common/precision.ts';
import { DataType, type GraphBuilder } from '../onnx/graph.ts';
import { linear } from '../onnx/linear.ts';
import { layerNorm } from '../onnx/norm.ts';
import { concatFloat32, type LoadTensor } from '../onnx/tensors.ts';
import type { Architecture } from '../package/manifest.ts';

const P = 'vision_encoder.';

export async function buildVisionGraph(g: GraphBuilder, { vision: arch }: Architecture, load: LoadTensor, format: WeightFormat): Promise<void> {
  const { imageSize: S, patchSize: p, width: D, tokensPerView: L } = arch;
  const pixels = g.input('pixel_values', DataType.FLOAT, ['views', 3, S, S]);

  let x = await g.scope('embeddings', async () => {
    const conv = g.op('Conv', [pixels, g.weight('patch.weight', await load(`${P}patch_embed.proj.weight`), [D, 3, p, p]), g.weight('patch.bias', await load(`${P}patch_embed.proj.bias`), [D])], {
      kernel_shape: [p, p],
      strides: [p, p],
    }); // [N, D, S/p, S/p]
    const patches = g.op('Transpose', [g.op('Reshape', [conv, g.constant('shape', new BigInt64Array([0n, BigInt(D), -1n]), [3])])], { perm: [0, 2, 1] }); // [N, P, D]
    const pos = await load(`${P}pos_embed`); // [1, 1+P, D]
    const cls = await load(`${P}cls_token`); // [1, 1, D]
    // A zero row padded in front of the patches takes the CLS token through the same Add as the positions:
    // no shape arithmetic (Shape/Concat on int64), which ONNX Runtime would pin to the CPU even for a GPU session.
    const rows = pos.slice();
    for (let i = 0; i < D; i++) rows[i] = pos[i]! + cls[i]!;
    const padded = g.op('Pad', [patches, g.constant('pads', new BigInt64Array([0n, 1n, 0n, 0n, 0n, 0n]), [6])]); // [N, 1+P, D]
    return g.op('Add', [padded, g.weight('cls_pos', rows, [1, L, D])]);
  });

  for (let i = 0; i < arch.layers; i++) {
    const b = `${P}blocks.${i}.`;
    x = await g.scope(`blocks.${i}`, async () => {
      const qBias = await load(`${b}attn.q_bias`);
      const vBias = await load(`${b}attn.v_bias`);
      const qkvBias = concatFloat32([qBias, new Float32Array(D), vBias]); // k has no bias
      const qkv = linear(g, x, 'attn.qkv', await load(`${b}attn.qkv.weight`), 3 * D, D, format, qkvBias); // [N, L, 3D]
      const [q, k, v] = g.node('Split', [qkv, g.constant('split', new BigInt64Array([BigInt(D), BigInt(D), BigInt(D)]), [3])], { outputs: 3, attrs: { axis: -1 } });
      const attn = g.op('MultiHeadAttention', [q!, k!, v!], { num_heads: arch.heads }, 'ms'); // [N, L, D]
      const proj = linear(g, attn, 'attn.proj', await load(`${b}attn.proj.weight`), D, D, format, await load(`${b}attn.proj.bias`));
      const h = g.op('Add', [x, await layerNorm(g, proj, `${b}norm1`, 'norm1', D, arch.layerNormEps, load)]);
      const fc1 = linear(g, h, 'mlp.fc1', await load(`${b}mlp.fc1.weight`), arch.mlpHidden, D, format, await load(`${b}mlp.fc1.bias`));
      const fc2 = linear(g, g.op('Gelu', [fc1], {}, 'ms'), 'mlp.fc2', await load(`${b}mlp.fc2.weight`), D, arch.mlpHidden, format, await load(`${b}mlp.fc2.bias`));
      return g.op('Add', [h, await layerNorm(g, fc2, `${b}norm2`, 'norm2', D, arch.layerNormEps, load)]);
    });
  }
  g.output(x, 'features', DataType.FLOAT, ['views', L, D]);
}
