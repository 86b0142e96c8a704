// How far each provider's outputs are from the CPU's, and whether that is within the tolerance.
import type { Manifest } from '../../../src/package/manifest.ts';
import type { ProviderName } from '../../../src/onnx/model-session.ts';
import type { WeightPrecision } from '../../../src/common/precision.ts';
import { maxAbsDiff, std } from '../../../harness/model-harness.ts';
import type { Agreement, PromptAgreement } from './results.ts';
import type { Outputs } from './timing.ts';

/**
 * Largest |provider − CPU| allowed, as a fraction of the standard deviation of the CPU's values. Both providers
 * compute every graph in fp32 on the same numbers (fp16 weights are widened once, MatMulNBits dequantises to fp32
 * in packages converted with `--activations fp32`), so only the order of additions and the kernels' exp/erf
 * differ, for every precision: 1e-4 leaves two orders of magnitude above the ~1e-6 that fp32 rounding gives on these graphs.
 */
export const TOLERANCE: Record<WeightPrecision, number> = { fp32: 1e-4, fp16: 1e-4, int8: 1e-4, int4: 1e-4 };

/**
 * int8/int4 packages with int8 activations (the converter's default): each provider's MatMulNBits quantises
 * activations its own way (or not at all), so they are held to the bound test/model/quantized.test.ts holds the CPU
 * to against the reference: max |Δlogit| ≤ 0.15 σ.
 */
export const INT8_ACTIVATIONS_TOLERANCE = 0.15;

function toleranceOf(weights: Manifest['weights']): number {
  const int8Activations =
    (weights.precision === 'int4' || weights.precision === 'int8') && weights.activations === 'int8';
  return int8Activations ? INT8_ACTIVATIONS_TOLERANCE : TOLERANCE[weights.precision];
}

/** |Δ| ÷ std of the CPU's values, the worst over a list of tensor pairs. */
function relative(pairs: [ArrayLike<number>, ArrayLike<number>][]): number {
  return Math.max(...pairs.map(([ours, cpu]) => maxAbsDiff(ours, cpu) / std(cpu)));
}

/** Every provider but the CPU against the CPU; none without the CPU's outputs. `promptTokens`: short, then full. */
export function agreements(
  weights: Manifest['weights'],
  outputs: Map<ProviderName, Outputs>,
  promptTokens: [number, number],
): Agreement[] {
  const cpu = outputs.get('cpu');
  const agreement: Agreement[] = [];
  for (const [provider, ours] of outputs) {
    if (provider === 'cpu' || !cpu) continue;
    const tolerance = toleranceOf(weights);
    const memoryPairs = ours.memory.keys.flatMap((k, b): [ArrayLike<number>, ArrayLike<number>][] => [
      [k.data as Float32Array, cpu.memory.keys[b]!.data as Float32Array],
      [ours.memory.values[b]!.data as Float32Array, cpu.memory.values[b]!.data as Float32Array],
    ]);
    const prompts = ours.prompts.map((p, n): PromptAgreement => {
      const reference = cpu.prompts[n]!;
      const firstTokenDifference = p.tokens.findIndex((t, i) => t !== reference.tokens[i]);
      const logits = relative([[p.logits, reference.logits]]);
      // fp32 must generate exactly the CPU's tokens; reduced precisions are held to the logits tolerance.
      const ok = logits <= tolerance && (weights.precision !== 'fp32' || firstTokenDifference < 0);
      return {
        prompt: n === 0 ? 'short' : 'full',
        promptTokens: promptTokens[n]!,
        logits,
        tokensEqual: firstTokenDifference < 0,
        firstTokenDifference,
        ok,
      };
    });
    const features = relative([[ours.features, cpu.features]]);
    const memory = relative(memoryPairs);
    agreement.push({
      provider,
      features,
      memory,
      tolerance,
      prompts,
      ok: features <= tolerance && memory <= tolerance && prompts.every((p) => p.ok),
    });
  }
  return agreement;
}
