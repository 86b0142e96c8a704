// PP-LCNetV3, the backbone of the PP-OCRv4 detector and recogniser, follows every convolution with
// a learnable affine block (a·y + b, two scalars) and every activation with another; Paddle's export
// spells each as a Mul and an Add over the whole activation map, and ONNX Runtime fuses neither (the
// constant comes first in the Mul). Folded into the convolutions' weights and biases, the same
// function costs no passes of its own (where zero padding forbids folding an offset into the next
// convolution, one cheap 1×1 depthwise convolution adds it).
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType as AttrType,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType,
  TensorProtoSchema,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from 'onnx-buf';

/** The model with the scalar affines next to convolutions folded in; other nodes untouched. */
export function foldAffines(bytes: Uint8Array): { bytes: Uint8Array; folded: number } {
  const model = fromBinary(ModelProtoSchema, bytes);
  const graph = model.graph;
  if (!graph) return { bytes, folded: 0 };
  const edit = new GraphEdit(graph);
  let folded = 0;
  for (const node of graph.node) if (node.opType === 'Conv' && edit.foldAfter(node)) folded++;
  for (const node of graph.node)
    if (node.opType === 'Conv' && !edit.removed.has(node) && edit.foldBefore(node)) folded++;
  if (folded === 0) return { bytes, folded: 0 };
  const kept = [...graph.node.filter((n) => !edit.removed.has(n)), ...edit.added];
  graph.node = topological(graph, kept);
  const read = new Set(graph.node.flatMap((n) => n.input));
  graph.node = graph.node.filter((n) => n.opType !== 'Constant' || n.output.some((o) => read.has(o)));
  graph.initializer = graph.initializer.filter((t) => read.has(t.name));
  return { bytes: toBinary(ModelProtoSchema, model), folded };
}

/** A graph's constants, producers and consumers, and the nodes a fold removes or adds. */
class GraphEdit {
  readonly removed = new Set<NodeProto>();
  readonly added: NodeProto[] = [];
  private readonly tensors = new Map<string, TensorProto>();
  private readonly producer = new Map<string, NodeProto>();
  private readonly consumers = new Map<string, NodeProto[]>();
  private readonly graphOutputs: Set<string>;

  constructor(private readonly graph: GraphProto) {
    for (const node of graph.node) {
      const t = node.opType === 'Constant' ? node.attribute.find((a) => a.name === 'value')?.t : undefined;
      if (t) this.tensors.set(node.output[0]!, t);
    }
    for (const t of graph.initializer) this.tensors.set(t.name, t);
    for (const node of graph.node) {
      for (const output of node.output) this.producer.set(output, node);
      for (const input of node.input) this.consumers.set(input, [...(this.consumers.get(input) ?? []), node]);
    }
    this.graphOutputs = new Set(graph.output.map((o) => o.name));
  }

  /** conv(x)·a + b = conv with weights·a and bias·a + b. */
  foldAfter(node: NodeProto): boolean {
    const after = this.affineAfter(node.output[0]!);
    const conv = after && this.parameters(node);
    if (!after || !conv) return false;
    const [a, b, add] = after;
    setFloats(
      conv.weights,
      conv.w.map((v) => v * a),
    );
    node.input[2] = this.initializer(
      `${node.output[0]}/folded_bias`,
      [conv.bias.length],
      conv.bias.map((v) => v * a + b),
      node,
    );
    this.removed.add(this.sole(node.output[0]!)!);
    this.removed.add(add);
    // The Add's readers now read the convolution's output under the Add's name.
    node.output[0] = add.output[0]!;
    return true;
  }

  /**
   * conv(x·c + d): the scale goes into the weights; the offset into the bias where there is no
   * zero padding (it would be padded with zeros, not d), else it is added first, as x + d/c.
   */
  foldBefore(node: NodeProto): boolean {
    const input = node.input[0]!;
    const add = this.producer.get(input);
    const mul =
      add?.opType === 'Add' ? add.input.map((i) => this.producer.get(i)).find((p) => p?.opType === 'Mul') : undefined;
    const source = mul?.input.find((i) => this.scalarOf(i) === undefined);
    if (
      !add ||
      !mul ||
      source === undefined ||
      this.removed.has(mul) ||
      this.affineAfter(source)?.[2] !== add ||
      this.sole(input) !== node
    )
      return false;
    const [c, d] = this.affineAfter(source)!;
    const conv = this.parameters(node);
    if (!conv || c === 0) return false;
    const { weights, w, bias } = conv;
    if (zeroPadded(node)) {
      this.added.push(
        this.offsetConv(
          source,
          input,
          Number(weights.dims[1]) * Number(node.attribute.find((a) => a.name === 'group')?.i ?? 1n),
          d / c,
        ),
      );
    } else {
      const perChannel = w.length / bias.length;
      node.input[2] = this.initializer(
        `${input}/folded_bias`,
        [bias.length],
        bias.map((v, o) => v + d * sum(w.subarray(o * perChannel, (o + 1) * perChannel))),
        node,
      );
      node.input[0] = source;
    }
    setFloats(
      weights,
      w.map((v) => v * c),
    );
    this.removed.add(mul);
    this.removed.add(add);
    return true;
  }

  /**
   * `source` + `value` into `output`, as a 1×1 depthwise convolution rather than an Add: ONNX Runtime
   * keeps it in its blocked layout, where an Add would cost two layout conversions as well.
   */
  private offsetConv(source: string, output: string, channels: number, value: number): NodeProto {
    const name = `${output}/offset`;
    const offset = create(NodeProtoSchema, {
      opType: 'Conv',
      name,
      input: [source],
      output: [output],
      attribute: [create(AttributeProtoSchema, { name: 'group', type: AttrType.INT, i: BigInt(channels) })],
    });
    offset.input.push(
      this.initializer(`${name}/ones`, [channels, 1, 1, 1], new Float32Array(channels).fill(1), offset),
    );
    offset.input.push(this.initializer(`${name}/value`, [channels], new Float32Array(channels).fill(value), offset));
    return offset;
  }

  /** The only consumer of a value that is not a graph output, if there is exactly one. */
  private sole(name: string): NodeProto | undefined {
    const users = this.consumers.get(name) ?? [];
    return users.length === 1 && !this.graphOutputs.has(name) ? users[0] : undefined;
  }

  private scalarOf(name: string): number | undefined {
    const t = this.tensors.get(name);
    const values = t && floats(t);
    return values?.length === 1 ? values[0] : undefined;
  }

  /** A Mul by a scalar constant fed by `input`, then an Add of a scalar constant: [a, b, add]. */
  private affineAfter(input: string): [number, number, NodeProto] | undefined {
    const mul = this.sole(input);
    if (mul?.opType !== 'Mul') return undefined;
    const a = this.scalarOf(mul.input[0] === input ? mul.input[1]! : mul.input[0]!);
    const add = this.sole(mul.output[0]!);
    if (a === undefined || add?.opType !== 'Add') return undefined;
    const b = this.scalarOf(add.input[0] === mul.output[0] ? add.input[1]! : add.input[0]!);
    return b === undefined ? undefined : [a, b, add];
  }

  private initializer(name: string, dims: number[], values: Float32Array<ArrayBuffer>, user: NodeProto): string {
    const t = floatTensor(name, dims, values);
    this.graph.initializer.push(t);
    this.tensors.set(name, t);
    this.consumers.set(name, [user]);
    return name;
  }

  /** The convolution's weights and bias as floats, when no other node reads them. */
  private parameters(
    conv: NodeProto,
  ): { weights: TensorProto; w: Float32Array<ArrayBuffer>; bias: Float32Array } | undefined {
    const weights = this.tensors.get(conv.input[1]!);
    const w = weights && floats(weights);
    if (!weights || !w || this.sole(conv.input[1]!) !== conv) return undefined;
    if (!conv.input[2]) return { weights, w, bias: new Float32Array(Number(weights.dims[0])) };
    const bias = this.tensors.get(conv.input[2]);
    const b = bias && floats(bias);
    return b && this.sole(conv.input[2]) === conv ? { weights, w, bias: b } : undefined;
  }
}

function zeroPadded(conv: NodeProto): boolean {
  return conv.attribute.some(
    (a) =>
      (a.name === 'pads' && a.ints.some((p) => p !== 0n)) ||
      (a.name === 'auto_pad' && /^SAME/.test(new TextDecoder().decode(a.s))),
  );
}

function sum(values: Float32Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/** A float tensor's values, or undefined for any other type. */
function floats(t: TensorProto): Float32Array<ArrayBuffer> | undefined {
  if (t.dataType !== TensorProto_DataType.FLOAT || t.rawData.length % 4 !== 0) return undefined;
  if (t.floatData.length > 0) return Float32Array.from(t.floatData);
  // A copy: the bytes may be a view into a Buffer's shared pool, at any offset.
  return new Float32Array(new Uint8Array(t.rawData).buffer);
}

function setFloats(t: TensorProto, values: Float32Array<ArrayBuffer>): void {
  t.floatData = [];
  t.rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

function floatTensor(name: string, dims: number[], values: Float32Array<ArrayBuffer>): TensorProto {
  const t = create(TensorProtoSchema, { name, dims: dims.map(BigInt), dataType: TensorProto_DataType.FLOAT });
  setFloats(t, values);
  return t;
}

/** The nodes ordered so that each comes after the producers of its inputs (ONNX requires it). */
function topological(graph: GraphProto, nodes: NodeProto[]): NodeProto[] {
  const ready = new Set([...graph.input.map((i) => i.name), ...graph.initializer.map((i) => i.name), '']);
  const order: NodeProto[] = [];
  const pending = new Set(nodes);
  while (pending.size > 0) {
    const before = pending.size;
    for (const node of pending) {
      if (!node.input.every((i) => ready.has(i))) continue;
      order.push(node);
      for (const o of node.output) ready.add(o);
      pending.delete(node);
    }
    if (pending.size === before) return nodes;
  }
  return order;
}
