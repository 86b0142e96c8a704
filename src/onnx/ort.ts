// The one module that imports onnxruntime-node: everything else sees ONNX Runtime through here,
// so the native binding loads in exactly one place (the runtime host process).
import * as ort from 'onnxruntime-node';

export { ort };
export type InferenceSession = ort.InferenceSession;
export type Tensor = ort.Tensor;
