// The recogniser's output is a probability for each of its 6625 classes at every frame (one per 8 input
// columns): hundreds of megabytes for a full editor screenshot, copied out of ONNX Runtime into fresh JavaScript
// memory and scanned class by class, when greedy CTC decoding needs two picks per frame. Appended to the
// graph, the picks leave it instead: 5 numbers a frame.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, NodeProtoSchema, TensorProtoSchema, TensorShapeProto_DimensionSchema } from 'onnx-buf';
import { attribute, DataType, type AttrValue } from '../onnx/graph.ts';

/**
 * Per frame, in this order: the most likely class and its probability; among the classes `allowed` marks,
 * the most likely one, its probability and their probabilities' sum (the picks of a reading held to them).
 */
export const PICKS = 5;

/** The model reads another number of classes than `allowed` marks: its dictionary belongs to another model. */
export class ClassCountMismatch extends Error {
  constructor(readonly classes: number) {
    super(`the recognition model reads ${classes} classes`);
  }
}

/**
 * The recognition model with its `[N, T, C]` probabilities replaced by `[N, T, PICKS]` picks (ties go to the
 * lower class, as in a scan that keeps the first maximum). `allowed` marks C classes, the blank among them;
 * another C throws ClassCountMismatch.
 */
export function appendFramePicks(bytes: Uint8Array, allowed: Uint8Array): Uint8Array {
  const model = fromBinary(ModelProtoSchema, bytes);
  const graph = model.graph;
  const output = graph?.output[0];
  const shape = output?.type?.value.case === 'tensorType' ? output.type.value.value.shape : undefined;
  if (!graph || !output || !shape || graph.output.length !== 1)
    throw new Error('the recognition model does not have one tensor output');
  const classes = shape.dim[2]?.value;
  if (classes?.case === 'dimValue' && Number(classes.value) !== allowed.length)
    throw new ClassCountMismatch(Number(classes.value));
  const probs = output.name;
  const node = (opType: string, input: string[], out: string, attributes: Record<string, AttrValue>) =>
    create(NodeProtoSchema, {
      opType,
      name: `picks/${out}`,
      input,
      output: [`picks/${out}`],
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
  const held = [...allowed.keys()].filter((c) => allowed[c]);
  graph.initializer.push(
    create(TensorProtoSchema, {
      name: 'picks/allowed',
      dims: [BigInt(held.length)],
      dataType: DataType.INT64,
      int64Data: held.map(BigInt),
    }),
  );
  const float = { to: DataType.FLOAT };
  const lastAxis = { axes: [2], keepdims: 1 };
  graph.node.push(
    node('ArgMax', [probs], 'best', { axis: 2, keepdims: 1 }),
    node('Cast', ['picks/best'], 'best_f', float),
    node('ReduceMax', [probs], 'best_p', lastAxis),
    node('Gather', [probs, 'picks/allowed'], 'held', { axis: 2 }),
    node('ArgMax', ['picks/held'], 'held_best', { axis: 2, keepdims: 1 }),
    node('Gather', ['picks/allowed', 'picks/held_best'], 'held_class', { axis: 0 }),
    node('Cast', ['picks/held_class'], 'held_class_f', float),
    node('ReduceMax', ['picks/held'], 'held_p', lastAxis),
    node('ReduceSum', ['picks/held'], 'held_sum', lastAxis),
    node('Concat', ['picks/best_f', 'picks/best_p', 'picks/held_class_f', 'picks/held_p', 'picks/held_sum'], 'out', {
      axis: 2,
    }),
  );
  output.name = 'picks/out';
  shape.dim[2] = create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(PICKS) } });
  return toBinary(ModelProtoSchema, model);
}
