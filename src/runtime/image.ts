// An image's way to its cross-attention memory, as every caller runs it: decode → plan → views (the CPU's
// half, no model run) → vision → memory, each stage timed.
import type { TileGrid } from '../common/protocol.ts';
import type { DecodedImage } from '../image/decode.ts';
import type { ImageMemory } from '../memory/memory.ts';
import type { ShouldCancel } from '../onnx/cancel.ts';
import { planGrid } from '../tiles/plan.ts';
import { makeViews, type Normalisation } from '../tiles/views.ts';
import type { LoadedModel } from './model.ts';

export interface ImageViews {
  width: number;
  height: number;
  grid: TileGrid;
  /** The views [V, 3, S, S] for the vision tower. */
  pixels: Float32Array;
  times: { decodeImageMs: number; tilingMs: number };
}

export interface EncodedImage extends Omit<ImageViews, 'times'> {
  memory: ImageMemory;
  times: ImageViews['times'] & { visionMs: number; memoryMs: number };
}

/** `decode` gives the decoded image: a caller that decodes once for several stages (OCR) passes its own. */
export async function imageViews(
  decode: () => Promise<DecodedImage>,
  tileSize: number,
  maxTiles: number,
  norm: Normalisation,
): Promise<ImageViews> {
  let started = performance.now();
  const decoded = await decode();
  const decodeImageMs = performance.now() - started;
  started = performance.now();
  const grid = planGrid(decoded.width, decoded.height, tileSize, maxTiles);
  const pixels = await makeViews(decoded, grid, norm);
  return {
    width: decoded.width,
    height: decoded.height,
    grid,
    pixels,
    times: { decodeImageMs, tilingMs: performance.now() - started },
  };
}

/** The image's views at the model's tile size and normalisation, then its memory. */
export async function encodeImage(
  model: LoadedModel,
  decode: () => Promise<DecodedImage>,
  maxTiles: number,
  shouldCancel?: ShouldCancel,
): Promise<EncodedImage> {
  const views = await imageViews(decode, model.manifest.tiling.tileSize, maxTiles, model.manifest.image);
  const { memory, visionMs, memoryMs } = await model.imageMemory(views.pixels, views.grid, shouldCancel);
  return { ...views, memory, times: { ...views.times, visionMs, memoryMs } };
}
