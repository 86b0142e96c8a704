// ONNX Runtime as paddleocr's services expect it: its sessions and a tensor constructor, built on the
// ModelSession of src/onnx/ so that paddleocr never sees onnxruntime-node itself.
import type { OrtInferenceSession, OrtModule, OrtTensor } from 'paddleocr';
import type { ModelSession, Tensors } from '../onnx/model-session.ts';
import { openModel } from '../onnx/session.ts';

/** paddleocr's services build every feed as float32. */
class FloatFeed {
  constructor(
    _type: string,
    readonly data: Float32Array,
    readonly dims: readonly number[],
  ) {}
}

function modelFeeds(feeds: Record<string, OrtTensor>): Tensors {
  return Object.fromEntries(
    Object.entries(feeds).map(([name, t]) => {
      if (!(t.data instanceof Float32Array)) throw new Error(`paddleocr fed ${name} with something other than float32`);
      return [name, { data: t.data, dims: t.dims }];
    }),
  );
}

export function paddleSession(session: ModelSession): OrtInferenceSession {
  return {
    inputNames: session.inputNames,
    inputMetadata: session.inputShapes.map((shape) => (shape ? { shape } : {})),
    outputNames: session.outputNames,
    run: (feeds) => session.run(modelFeeds(feeds)),
    release: () => session.release(),
  };
}

export const paddleOrt: OrtModule = {
  Tensor: FloatFeed,
  // The engine creates its own sessions; the benchmark runs paddleocr's whole pipeline through this.
  InferenceSession: {
    create: async (buffer: ArrayBuffer) =>
      paddleSession(await openModel(new Uint8Array(buffer), { providers: ['cpu'] })),
  },
};
