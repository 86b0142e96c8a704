/** How a model package stores its linear weights: the manifest's `weights.precision`, the converter's `--weights`. */
export type WeightPrecision = 'fp32' | 'fp16' | 'int8' | 'int4';

/**
 * What MatMulNBits multiplies int8/int4 weights with. 'int8': activations quantised to int8 per block of K
 * (accuracy_level 4), the trade llama.cpp makes with Q8_0 activations: faster decoding on CPUs (the llama section
 * of docs/benchmarks.md measures both), held to a tolerance against the reference (test/model/quantized.test.ts).
 * 'fp32' (accuracy_level 0): the weights are dequantised and multiplied in fp32, exactly the reference's function
 * on the dequantised weights, and every execution provider computes the same numbers (scripts/gpu/check.ts
 * compares providers that way).
 */
export type ActivationPrecision = 'int8' | 'fp32';

export interface WeightFormat {
  precision: WeightPrecision;
  /** int8 and int4 only; 'int8' when absent. */
  activations?: ActivationPrecision;
}
