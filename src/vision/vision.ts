// Runs the vision graph over an image's views in small batches, so a cancel takes effect between batches.
import { checkCancel, type ShouldCancel } from '../onnx/cancel.ts';
import { ort } from '../onnx/ort.ts';
import type { VisionArch } from '../package/manifest.ts';

/** Views per run: large enough to amortise weight reads, small enough to cancel within a fraction of a second. */
const BATCH = 2;

/** pixels [V, 3, S, S] → features [V, 1+P, D]. */
export async function encodeViews(session: ort.InferenceSession, arch: VisionArch, pixels: Float32Array, views: number, shouldCancel?: ShouldCancel): Promise<Float32Array> {
  const S = arch.imageSize;
  const viewPixels = 3 * S * S;
  const viewFeatures = arch.tokensPerView * arch.width;
  const features = new Float32Array(views * viewFeatures);
  for (let start = 0; start < views; start += BATCH) {
    checkCancel(shouldCancel);
    const n = Math.min(BATCH, views - start);
    const input = new ort.Tensor('float32', pixels.slice(start * viewPixels, (start + n) * viewPixels), [n, 3, S, S]);
    const { features: out } = await session.run({ pixel_values: input });
    features.set(out!.data as Float32Array, start * viewFeatures);
  }
  return features;
}
