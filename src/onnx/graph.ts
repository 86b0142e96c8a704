// Builds ONNX graphs in memory and serialises them with the ONNX protobuf schema. Large weights go to
// an external data file (WeightFile) that ONNX Runtime memory-maps; the .onnx file holds only the graph.
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProtoSchema,
  AttributeProto_AttributeType as AttrType,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  TensorProtoSchema,
  TensorProto_DataLocation,
  TensorProto_DataType as DataType,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProtoSchema,
  TypeProto_TensorSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';
import type { WeightFile } from './weight-file.ts';

export { DataType };

export type Dim = number | string;
export type AttrValue = number | string | number[] | { float: number } | { floats: number[] } | { graph: GraphProto };

const MS = 'com.microsoft';

/** The element type of a typed array, as ONNX names it. */
export function dataTypeOf(data: Float32Array | Uint16Array | Uint8Array | BigInt64Array | Int32Array): DataType {
  if (data instanceof Float32Array) return DataType.FLOAT;
  if (data instanceof Uint16Array) return DataType.FLOAT16;
  if (data instanceof Uint8Array) return DataType.UINT8;
  if (data instanceof Int32Array) return DataType.INT32;
  return DataType.INT64;
}

/** An ONNX attribute from its plain value: an integer, a string, integers, `{ float }`, `{ floats }` or a subgraph. */
export function attribute(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use { float } for a float`);
    return create(AttributeProtoSchema, { name, type: AttrType.INT, i: BigInt(value) });
  }
  if (typeof value === 'string') {
    return create(AttributeProtoSchema, { name, type: AttrType.STRING, s: new TextEncoder().encode(value) });
  }
  if (Array.isArray(value)) return create(AttributeProtoSchema, { name, type: AttrType.INTS, ints: value.map(BigInt) });
  if ('float' in value) return create(AttributeProtoSchema, { name, type: AttrType.FLOAT, f: value.float });
  if ('graph' in value) return create(AttributeProtoSchema, { name, type: AttrType.GRAPH, g: value.graph });
  return create(AttributeProtoSchema, { name, type: AttrType.FLOATS, floats: value.floats });
}

function valueInfo(name: string, elemType: DataType, dims: Dim[]): ValueInfoProto {
  const shape = create(TensorShapeProtoSchema, {
    dim: dims.map((d) =>
      create(TensorShapeProto_DimensionSchema, {
        value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d },
      }),
    ),
  });
  const tensorType = create(TypeProto_TensorSchema, { elemType, shape });
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensorType } }),
  });
}

/**
 * One graph under construction. Node and initializer names are paths (`/decoder/layers.3/attn/qkv`), so an
 * error from ONNX Runtime points back to the module it came from.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly scopes: string[] = [];

  constructor(
    readonly name: string,
    private readonly weights: WeightFile,
    /** Names taken so far, shared with nested graphs: a nested graph's values live in the same namespace. */
    private readonly used = new Set<string>(),
  ) {}

  /**
   * Runs `build` with `name` appended to the path of every node and weight it creates. An async `build`
   * keeps the scope until it settles: builders await one tensor at a time, never two scopes at once.
   */
  scope<T>(name: string, build: () => T): T {
    this.scopes.push(name);
    let result: T;
    try {
      result = build();
    } catch (error) {
      this.scopes.pop();
      throw error;
    }
    if (result instanceof Promise) {
      return result.finally(() => this.scopes.pop()) as T;
    }
    this.scopes.pop();
    return result;
  }

  private path(name: string): string {
    const base = `/${[this.name, ...this.scopes, name].join('/')}`;
    let unique = base;
    for (let n = 1; this.used.has(unique); n++) unique = `${base}_${n}`;
    this.used.add(unique);
    return unique;
  }

  input(name: string, elemType: DataType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(value: string, name: string, elemType: DataType, dims: Dim[]): void {
    if (value !== name) this.node('Identity', [value], { outputs: [name] });
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Adds a node; returns its output names. An empty input name means "optional input left out". */
  node(
    opType: string,
    inputs: string[],
    options: { outputs?: string[] | number; attrs?: Record<string, AttrValue>; domain?: 'ms' } = {},
  ): string[] {
    const nodeName = this.path(opType);
    const outputs =
      typeof options.outputs === 'object'
        ? options.outputs
        : Array.from({ length: options.outputs ?? 1 }, (_, i) => `${nodeName}:${i}`);
    this.nodes.push(
      create(NodeProtoSchema, {
        name: nodeName,
        opType,
        domain: options.domain === 'ms' ? MS : '',
        input: inputs,
        output: outputs,
        attribute: Object.entries(options.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      }),
    );
    return outputs;
  }

  /** Shorthand for a node with exactly one output. */
  op(opType: string, inputs: string[], attrs?: Record<string, AttrValue>, domain?: 'ms'): string {
    return this.node(opType, inputs, { attrs, domain })[0]!;
  }

  /** A small constant stored inside the graph. */
  constant(name: string, data: Float32Array | BigInt64Array | Int32Array, dims: number[]): string {
    const tensorName = this.path(name);
    this.initializers.push(
      create(TensorProtoSchema, {
        name: tensorName,
        dims: dims.map(BigInt),
        dataType: dataTypeOf(data),
        rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
      }),
    );
    return tensorName;
  }

  /** A weight stored in the external data file; written now, so the caller can drop its copy. */
  weight(name: string, data: Float32Array | Uint16Array | Uint8Array, dims: number[]): string {
    const tensorName = this.path(name);
    const { offset, length } = this.weights.append(data);
    this.initializers.push(
      create(TensorProtoSchema, {
        name: tensorName,
        dims: dims.map(BigInt),
        dataType: dataTypeOf(data),
        dataLocation: TensorProto_DataLocation.EXTERNAL,
        externalData: [
          create(StringStringEntryProtoSchema, { key: 'location', value: this.weights.location }),
          create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
          create(StringStringEntryProtoSchema, { key: 'length', value: String(length) }),
        ],
      }),
    );
    return tensorName;
  }

  /**
   * A graph for a control-flow node's attribute (an If branch), named under the current scope. It reads values of
   * this graph by name, keeps its weights in the same file, and has one output: the value `build` returns.
   */
  async subgraph(
    name: string,
    output: { elemType: DataType; dims: Dim[] },
    build: (g: GraphBuilder) => string | Promise<string>,
  ): Promise<GraphProto> {
    const sub = new GraphBuilder([this.name, ...this.scopes, name].join('/'), this.weights, this.used);
    const value = await build(sub);
    return create(GraphProtoSchema, {
      name: sub.name,
      node: sub.nodes,
      initializer: sub.initializers,
      output: [valueInfo(value, output.elemType, output.dims)],
    });
  }

  /** The serialised ModelProto (IR 10, opset 17 plus the com.microsoft contrib ops). */
  toBytes(docString: string): Uint8Array {
    const graph = create(GraphProtoSchema, {
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
    const model = create(ModelProtoSchema, {
      irVersion: 10n,
      producerName: 'infimm-hd-vscode',
      docString,
      opsetImport: [
        create(OperatorSetIdProtoSchema, { domain: '', version: 17n }),
        create(OperatorSetIdProtoSchema, { domain: MS, version: 1n }),
      ],
      graph,
    });
    return toBinary(ModelProtoSchema, model);
  }
}
