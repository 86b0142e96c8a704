// What the rest of the product sees of ONNX Runtime: a session opened on a set of providers that runs on named
// typed arrays with their dims. Runners depend on this alone, so they can be tested without the native binding.
import type { ExecutionProviderName } from '../common/protocol.ts';

export type ProviderName = Exclude<ExecutionProviderName, 'auto'>;

/** The element types the graphs take and give: float32, int32 and int64. */
export type TensorData = Float32Array | Int32Array | BigInt64Array;

export interface Tensor {
  readonly data: TensorData;
  readonly dims: readonly number[];
}

export interface FloatTensor extends Tensor {
  readonly data: Float32Array;
}

export type Tensors = Record<string, Tensor>;

/** A tensor's shape (a name for a free dimension), or undefined for a value that is not a tensor. */
export type Shape = readonly (number | string)[] | undefined;

export interface ModelSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputShapes: readonly Shape[];
  run(feeds: Readonly<Tensors>): Promise<Tensors>;
  release(): Promise<void>;
}

export interface ModelOptions {
  /** Tried as one list: ONNX Runtime places each node on the first that has a kernel for it. */
  providers: readonly ProviderName[];
  /** Left out, ONNX Runtime chooses. */
  intraOpThreads?: number;
  interOpThreads?: number;
  /** Session configuration entries, keys without their `session.` prefix. */
  config?: Readonly<Record<string, string>>;
}

/** A model file's path or its bytes → an open session. */
export type OpenModel = (model: string | Uint8Array, options: ModelOptions) => Promise<ModelSession>;

/** The output `name`, which the graph gives as float32. */
export function floatOutput(outputs: Tensors, name: string): FloatTensor {
  const tensor = outputs[name];
  if (!(tensor?.data instanceof Float32Array)) throw new Error(`the graph gave no float32 output ${name}`);
  return { data: tensor.data, dims: tensor.dims };
}
