// Runs the vision graph over an image's views in small batches, so a cancel takes effect between batches.
import { checkCancel, type ShouldCancel } from '../onnx/cancel.ts';
import { floatOutput, type ModelSession } from '../onnx/model-session.ts';
import type { VisionArch } from '../package/manifest.ts';

/** Views per run: large enough to amortise weight reads, small enough to cancel within a fraction of a second. */
const BATCH = 2;

/** pixels [V, 3, S, S] → features [V, 1+P, D]. */
export async function encodeViews(
  session: ModelSession,
  arch: VisionArch,
  pixels: Float32Array,
  views: number,
  shouldCancel?: ShouldCancel,
): Promise<Float32Array> {
  const S = arch.imageSize;
  const viewPixels = 3 * S * S;
  const viewFeatures = arch.tokensPerView * arch.width;
  const features = new Float32Array(views * viewFeatures);
  for (let start = 0; start < views; start += BATCH) {
    checkCancel(shouldCancel);
    const n = Math.min(BATCH, views - start);
    const input = { data: pixels.slice(start * viewPixels, (start + n) * viewPixels), dims: [n, 3, S, S] };
    features.set(floatOutput(await session.run({ pixel_values: input }), 'features').data, start * viewFeatures);
  }
  return features;
}
