// The vision graph: views [N, 3, S, S] → features [N, 1+P, D], the EVA ViT of InfiMM-HD.
//
//   pixels ─Conv(p×p, stride p)─► [N,D,S/p,S/p] ─► [N,P,D] ─pad a zero row─► [N,1+P,D] ─+(pos_embed, CLS in row 0)─►
//   blocks × L:  x = x + LN₁(proj(MHA(qkv(x))));  x = x + LN₂(fc2(GELU(fc1(x))))     (post-norm)
//   ─► features (the last block's tokens; the final norm and head are not used)
import type { GraphContext } from '../onnx/context.ts';
import { DataType } from '../onnx/graph.ts';
import { gelu, int64, layerNorm, mha, split } from '../onnx/ops.ts';
import { concatFloat32 } from '../onnx/tensors.ts';
import type { Architecture } from '../package/manifest.ts';

const P = 'vision_encoder.';

export async function buildVisionGraph({
  g,
  arch: { vision: arch },
  load,
  linear,
}: GraphContext<Architecture>): Promise<void> {
  const { imageSize: S, patchSize: p, width: D, tokensPerView: L, layerNormEps: eps } = arch;
  const pixels = g.input('pixel_values', DataType.FLOAT, ['views', 3, S, S]);

  let x = await g.scope('embeddings', async () => {
    const conv = g.op(
      'Conv',
      [
        pixels,
        g.weight('patch.weight', await load(`${P}patch_embed.proj.weight`), [D, 3, p, p]),
        g.weight('patch.bias', await load(`${P}patch_embed.proj.bias`), [D]),
      ],
      {
        kernel_shape: [p, p],
        strides: [p, p],
      },
    ); // [N, D, S/p, S/p]
    const patches = g.op('Transpose', [g.op('Reshape', [conv, int64(g, 'shape', [0, D, -1])])], { perm: [0, 2, 1] }); // [N, P, D]
    const pos = await load(`${P}pos_embed`); // [1, 1+P, D]
    const cls = await load(`${P}cls_token`); // [1, 1, D]
    // A zero row padded in front of the patches takes the CLS token through the same Add as the positions:
    // no shape arithmetic (Shape/Concat on int64), which ONNX Runtime would pin to the CPU even for a GPU session.
    const rows = pos.slice();
    for (let i = 0; i < D; i++) rows[i] = pos[i]! + cls[i]!;
    const padded = g.op('Pad', [patches, int64(g, 'pads', [0, 1, 0, 0, 0, 0])]); // [N, 1+P, D]
    return g.op('Add', [padded, g.weight('cls_pos', rows, [1, L, D])]);
  });

  for (let i = 0; i < arch.layers; i++) {
    const b = `${P}blocks.${i}.`;
    const norm = async (name: string, y: string) =>
      layerNorm(g, { name, x: y, weight: await load(`${b}${name}.weight`), bias: await load(`${b}${name}.bias`), eps });
    x = await g.scope(`blocks.${i}`, async () => {
      const qkvBias = concatFloat32([
        await load(`${b}attn.q_bias`),
        new Float32Array(D),
        await load(`${b}attn.v_bias`),
      ]); // k has no bias
      const qkv = linear({
        name: 'attn.qkv',
        x,
        weight: await load(`${b}attn.qkv.weight`),
        shape: [3 * D, D],
        bias: qkvBias,
      }); // [N, L, 3D]
      const [q, k, v] = split(g, { x: qkv, sizes: [D, D, D] });
      const attn = mha(g, { q: q!, k: k!, v: v!, heads: arch.heads }); // [N, L, D]
      const proj = linear({
        name: 'attn.proj',
        x: attn,
        weight: await load(`${b}attn.proj.weight`),
        shape: [D, D],
        bias: await load(`${b}attn.proj.bias`),
      });
      const h = g.op('Add', [x, await norm('norm1', proj)]);
      const fc1 = linear({
        name: 'mlp.fc1',
        x: h,
        weight: await load(`${b}mlp.fc1.weight`),
        shape: [arch.mlpHidden, D],
        bias: await load(`${b}mlp.fc1.bias`),
      });
      const fc2 = linear({
        name: 'mlp.fc2',
        x: gelu(g, fc1),
        weight: await load(`${b}mlp.fc2.weight`),
        shape: [D, arch.mlpHidden],
        bias: await load(`${b}mlp.fc2.bias`),
      });
      return g.op('Add', [h, await norm('norm2', fc2)]);
    });
  }
  g.output(x, 'features', DataType.FLOAT, ['views', L, D]);
}
