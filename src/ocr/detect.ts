// Text detection: PP-OCRv4's DB model over each window, with paddleocr's DB post-processing
// (contours, box scores, unclipping); windows are resized here through the image module.
import { DetectionService, Image } from 'paddleocr';
import type { DecodedImage } from '../image/decode.ts';
import { resizeRgb } from '../image/resize.ts';
import type { ModelSession } from '../onnx/model-session.ts';
import { paddleOrt, paddleSession } from './paddle-ort.ts';
import { type Bounds, boundsQuad, type Quad, quadBounds } from './geometry.ts';
import { mergeWindowBoxes, type WindowBox } from './merge.ts';
import { typicalTextHeight } from './text-height.ts';
import { planWindows } from './windows.ts';

export interface DetectOptions {
  /** Detector pixels per image pixel at most: large text is detected at less (see detectionScale). */
  scale: number;
  /** Longest window side in detector pixels. */
  maxWindowSide: number;
  /** Pixels shared by neighbouring windows, in detector pixels. */
  windowOverlap: number;
  /** Called before each window's model run; throws to stop. */
  checkpoint: () => void;
}

export interface Detection {
  boxes: Quad[];
  windows: number;
  /** Detector pixels per image pixel used. */
  scale: number;
}

/**
 * Text whose typical height (typicalTextHeight) is at most this many pixels is detected at full
 * resolution: that is the text of screenshots at 100 % (medians of 7–12 px on the evaluation set).
 */
const FULL_SIZE_TEXT = 12;
/** Half size still leaves HiDPI text (medians of 16–20 px at 200 %) taller than 100 % text. */
const MIN_SCALE = 0.5;

/** The scale that brings text of the given typical height down to FULL_SIZE_TEXT, within [MIN_SCALE, 1]. */
export function detectionScale(textHeight: number | undefined): number {
  return textHeight === undefined ? 1 : Math.min(1, Math.max(MIN_SCALE, FULL_SIZE_TEXT / textHeight));
}

/** The DB detector's input sides must be multiples of this. */
const STRIDE = 32;

export class TextDetector {
  private readonly service: DetectionService;

  constructor(session: ModelSession) {
    this.service = new DetectionService(paddleOrt, paddleSession(session), {
      // PP-OCRv4 was trained on BGR input with ImageNet statistics (paddleocr's defaults).
      channelOrder: 'bgr',
      // The windows arrive at their final size; paddleocr must not resize them again.
      limitType: 'max',
      maxSideLength: Number.MAX_SAFE_INTEGER,
      maxSideLimit: Number.MAX_SAFE_INTEGER,
      textPixelThreshold: 0.3,
      // Lower than PaddleOCR's 0.6 so that lone short tokens ("}", "1") in screenshots survive.
      boxScoreThreshold: 0.5,
      unclipRatio: 1.5,
      maxCandidates: 5000,
      minimumAreaThreshold: 10,
    });
  }

  /** Text boxes in image pixels, in no particular order. */
  async detect(image: DecodedImage, region: Bounds, options: DetectOptions): Promise<Detection> {
    const scale = Math.min(options.scale, detectionScale(typicalTextHeight(image, region)));
    const { windows } = planWindows(region, scale, options.maxWindowSide, options.windowOverlap);
    const found: WindowBox[] = [];
    for (const [index, window] of windows.entries()) {
      options.checkpoint();
      for (const box of await this.detectWindow(image, window, scale)) found.push({ box, window: index });
    }
    return { boxes: mergeWindowBoxes(found), windows: windows.length, scale };
  }

  private async detectWindow(image: DecodedImage, window: Bounds, scale: number): Promise<Quad[]> {
    const width = window.x1 - window.x0;
    const height = window.y1 - window.y0;
    const scaledWidth = Math.max(1, Math.round(width * scale));
    const scaledHeight = Math.max(1, Math.round(height * scale));
    const crop = { width, height, data: cropRgb(image, window), format: 'raw' };
    const pixels = await resizeRgb(crop, scaledWidth, scaledHeight);
    const padded = padToStride(pixels, scaledWidth, scaledHeight);
    const boxes = await this.service.run(new Image(padded.width, padded.height, 3, padded.data));
    const sx = width / scaledWidth;
    const sy = height / scaledHeight;
    return boxes.flatMap((b) => {
      if (!b.points) return [];
      const quad = straighten(
        b.points.map((p): [number, number] => [
          window.x0 + Math.min(width, p.x * sx),
          window.y0 + Math.min(height, p.y * sy),
        ]) as Quad,
      );
      // Boxes lying wholly in the replicated padding are echoes of the border, not text.
      return quad.every(([x, y]) => x >= window.x1 || y >= window.y1) ? [] : [quad];
    });
  }
}

/** Boxes tilted by less than this (radians, about 3°) are taken as level. */
const LEVEL = 0.05;

/**
 * Screenshot text is level; the detector's minimum-area rectangles of short lines often tilt by a
 * pixel, which would send them through the perspective sampler and blur them. Those become their
 * bounding rectangles; really rotated text keeps its quadrilateral.
 */
function straighten(q: Quad): Quad {
  const angle = Math.atan2(q[1][1] - q[0][1], q[1][0] - q[0][0]);
  return Math.abs(angle) < LEVEL ? boundsQuad(quadBounds(q)) : q;
}

/** A window's pixels as their own RGB buffer (a row copy: no library call needed for this). */
function cropRgb(image: DecodedImage, w: Bounds): Uint8Array {
  const rowBytes = (w.x1 - w.x0) * 3;
  if (w.x0 === 0 && w.y0 === 0 && w.x1 === image.width && w.y1 === image.height) return image.data;
  const out = new Uint8Array(rowBytes * (w.y1 - w.y0));
  for (let y = w.y0; y < w.y1; y++) {
    const from = (y * image.width + w.x0) * 3;
    out.set(image.data.subarray(from, from + rowBytes), (y - w.y0) * rowBytes);
  }
  return out;
}

/**
 * Pads RGB pixels right and bottom to multiples of STRIDE by repeating the last column and row:
 * unlike black padding, this draws no edge that the detector could take for a stroke.
 */
function padToStride(
  data: Uint8Array,
  width: number,
  height: number,
): { data: Uint8Array; width: number; height: number } {
  const pw = Math.ceil(width / STRIDE) * STRIDE;
  const ph = Math.ceil(height / STRIDE) * STRIDE;
  if (pw === width && ph === height) return { data, width, height };
  const out = new Uint8Array(pw * ph * 3);
  for (let y = 0; y < ph; y++) {
    const src = Math.min(y, height - 1) * width * 3;
    const dst = y * pw * 3;
    out.set(data.subarray(src, src + width * 3), dst);
    const last = data.subarray(src + (width - 1) * 3, src + width * 3);
    for (let x = width; x < pw; x++) out.set(last, dst + x * 3);
  }
  return { data: out, width: pw, height: ph };
}
