// The PP-OCR models, exported from Paddle at opset 9–11, spell every hard-swish as four
// element-wise ops, x · clip(x + 3, 0, 6) / 6, which ONNX Runtime runs as four passes over the
// activations. Rewritten as x · HardSigmoid(x) (α = 1/6, β = 1/2, the same function), each is two
// passes: the models run about a tenth faster, with outputs equal to rounding.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType as AttrType,
  ModelProtoSchema,
  NodeProtoSchema,
  type NodeProto,
  type TensorProto,
} from 'onnx-buf';

/** The model with each spelled-out hard-swish replaced by HardSigmoid and Mul; other nodes untouched. */
export function fuseHardSwish(bytes: Uint8Array): { bytes: Uint8Array; fused: number } {
  const model = fromBinary(ModelProtoSchema, bytes);
  const graph = model.graph;
  if (!graph) return { bytes, fused: 0 };
  const constants = new Map<string, number>();
  const producer = new Map<string, NodeProto>();
  const uses = new Map<string, number>();
  for (const node of graph.node) {
    const value = node.opType === 'Constant' ? scalar(node.attribute.find((a) => a.name === 'value')?.t) : undefined;
    if (value !== undefined) constants.set(node.output[0]!, value);
    for (const output of node.output) producer.set(output, node);
    for (const input of node.input) uses.set(input, (uses.get(input) ?? 0) + 1);
  }
  // Opset 9 gives Clip its bounds as attributes, opset 11 as constant inputs.
  const bound = (clip: NodeProto, index: number, name: string): number | undefined =>
    clip.input[index] ? constants.get(clip.input[index]) : clip.attribute.find((a) => a.name === name)?.f;
  const only = (node: NodeProto): boolean => uses.get(node.output[0]!) === 1;
  const removed = new Set<NodeProto>();
  const replaced = new Map<NodeProto, NodeProto[]>();
  for (const div of graph.node) {
    if (div.opType !== 'Div' || constants.get(div.input[1]!) !== 6) continue;
    const mul = producer.get(div.input[0]!);
    if (mul?.opType !== 'Mul' || !only(mul)) continue;
    for (const side of [0, 1]) {
      const x = mul.input[1 - side]!;
      const clip = producer.get(mul.input[side]!);
      const add = clip && producer.get(clip.input[0]!);
      if (clip?.opType !== 'Clip' || !only(clip) || bound(clip, 1, 'min') !== 0 || bound(clip, 2, 'max') !== 6)
        continue;
      if (add?.opType !== 'Add' || !only(add) || add.input[0] !== x || constants.get(add.input[1]!) !== 3) continue;
      const out = div.output[0]!;
      const gate = `${out}/hard_sigmoid`;
      const float = (name: string, f: number) => create(AttributeProtoSchema, { name, type: AttrType.FLOAT, f });
      replaced.set(div, [
        create(NodeProtoSchema, {
          opType: 'HardSigmoid',
          name: gate,
          input: [x],
          output: [gate],
          attribute: [float('alpha', 1 / 6), float('beta', 0.5)],
        }),
        create(NodeProtoSchema, { opType: 'Mul', name: `${out}/hard_swish`, input: [x, gate], output: [out] }),
      ]);
      for (const node of [add, clip, mul]) removed.add(node);
      break;
    }
  }
  if (replaced.size === 0) return { bytes, fused: 0 };
  // The constants only the removed nodes read go too: ONNX Runtime warns about each unused one.
  const kept = graph.node.filter((n) => !removed.has(n)).flatMap((n) => replaced.get(n) ?? [n]);
  const read = new Set(kept.flatMap((n) => n.input));
  graph.node = kept.filter((n) => n.opType !== 'Constant' || n.output.some((o) => read.has(o)));
  return { bytes: toBinary(ModelProtoSchema, model), fused: replaced.size };
}

/** A single float constant's value, or undefined for any other tensor. */
function scalar(tensor: TensorProto | undefined): number | undefined {
  if (!tensor || tensor.dataType !== 1) return undefined;
  if (tensor.floatData.length === 1) return tensor.floatData[0];
  if (tensor.rawData.length === 4)
    return new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, 4).getFloat32(0, true);
  return undefined;
}
