// The one module that imports onnxruntime-node: the ModelSession of model-session.ts over it, so the native
// binding loads in exactly one place (the runtime host process) and nothing else sees its types.
import * as ort from 'onnxruntime-node';
import type { ModelOptions, ModelSession, OpenModel, Shape, TensorData, Tensors } from './model-session.ts';

function ortOptions(options: ModelOptions): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [...options.providers],
    ...(options.intraOpThreads === undefined ? {} : { intraOpNumThreads: options.intraOpThreads }),
    ...(options.interOpThreads === undefined ? {} : { interOpNumThreads: options.interOpThreads }),
    graphOptimizationLevel: 'all',
    ...(options.config === undefined ? {} : { extra: { session: { ...options.config } } }),
  };
}

function outputData(name: string, tensor: ort.Tensor): TensorData {
  const { data } = tensor;
  if (data instanceof Float32Array || data instanceof Int32Array || data instanceof BigInt64Array) return data;
  throw new Error(`output ${name} is ${tensor.type}, which the runners do not read`);
}

export const openModel: OpenModel = async (model, options) => {
  // One overload per kind of model argument: a path or bytes.
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, ortOptions(options))
      : await ort.InferenceSession.create(model, ortOptions(options));
  return wrap(session);
};

const shape = (metadata: ort.InferenceSession.ValueMetadata): Shape => (metadata.isTensor ? metadata.shape : undefined);

function wrap(session: ort.InferenceSession): ModelSession {
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputShapes: session.inputMetadata.map(shape),
    async run(feeds) {
      const tensors = Object.fromEntries(
        Object.entries(feeds).map(([name, t]) => [name, new ort.Tensor(t.data, t.dims)]),
      );
      const outputs = await session.run(tensors);
      return Object.fromEntries(
        Object.entries(outputs).map(([name, t]): [string, Tensors[string]] => [
          name,
          { data: outputData(name, t), dims: t.dims },
        ]),
      );
    },
    release: () => session.release(),
  };
}
