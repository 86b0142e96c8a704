// ONNX Runtime as paddleocr's services expect it. Their structural types are narrower than
// onnxruntime-node's (one `create` signature, tensor-only input metadata), so sessions and the
// module are adapted here rather than cast wherever they are used.
import type { OrtInferenceSession, OrtModule, OrtTensor } from 'paddleocr';
import { ort, type InferenceSession, type Tensor } from '../onnx/ort.ts';

export function paddleSession(session: InferenceSession): OrtInferenceSession {
  return {
    inputNames: session.inputNames,
    inputMetadata: session.inputMetadata.map((m) => (m.isTensor ? { shape: m.shape } : {})),
    outputNames: session.outputNames,
    // Every feed is built with paddleOrt.Tensor below, i.e. an onnxruntime-node Tensor.
    run: (feeds: Record<string, OrtTensor>) => session.run(feeds as Record<string, Tensor>),
    release: () => session.release(),
  };
}

export const paddleOrt: OrtModule = {
  Tensor: ort.Tensor,
  // The engine creates its own sessions; the benchmark runs paddleocr's whole pipeline through this.
  InferenceSession: { create: async (buffer: ArrayBuffer) => paddleSession(await ort.InferenceSession.create(buffer)) },
};
