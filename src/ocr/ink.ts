// Where a line crop has ink, column by column. Word gaps and code columns are measured on the
// pixels: the recognizer often drops spaces in screenshots ("if(sum>10){"), but the gap is there.
import type { Image } from 'paddleocr';

export interface InkProfile {
  /** Maximal runs of inked columns, [x0, x1) in crop pixels, left to right. */
  runs: Array<[number, number]>;
  /** Height of the inked rows in the crop's middle band, in crop pixels (0 when blank). */
  textHeight: number;
}

/** The line's own ink is looked for in the middle of the crop, then followed up and down. */
const CORE = [0.3, 0.7] as const;
/** Empty rows bridged while following it (the gap above an underscore). */
const BRIDGE = 2;
/** Ink is what differs from the background by more than this share of the strongest contrast. */
const THRESHOLD = 0.4;
/** Weaker contrast than this (of 255) is no text: shading, gradients, compression noise. */
const MIN_INK_CONTRAST = 48;

export function inkProfile(crop: Image): InkProfile {
  const { width, height, data, channels } = crop;
  // Contrast is the largest difference in any channel from the background: syntax colours
  // (blue keywords on dark grey) are as distinct as white text there, though not in brightness.
  const background = [0, 1, 2].map((c) => borderMedian(data, channels, c, width, height));
  const contrast = new Uint8Array(width * height);
  let strongest = 0;
  for (let i = 0; i < contrast.length; i++) {
    const p = i * channels;
    contrast[i] = Math.max(
      Math.abs(data[p]! - background[0]!),
      Math.abs(data[p + 1]! - background[1]!),
      Math.abs(data[p + 2]! - background[2]!),
    );
    strongest = Math.max(strongest, contrast[i]!);
  }
  // A share of the strongest contrast: anti-aliased fringes between glyphs stay below it.
  const threshold = Math.max(MIN_INK_CONTRAST / 2, strongest * THRESHOLD);
  const rowInk = new Uint8Array(height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (contrast[y * width + x]! > threshold) rowInk[y] = 1;
  }
  // The band of rows that belongs to this line: inked rows of the core, extended while ink
  // continues (across small gaps); ascenders and descenders of neighbouring lines stay out.
  let top = -1;
  let bottom = -1;
  for (let y = Math.floor(height * CORE[0]); y < Math.ceil(height * CORE[1]); y++) {
    if (!rowInk[y]) continue;
    if (top < 0) top = y;
    bottom = y;
  }
  if (top < 0) return { runs: [], textHeight: 0 };
  for (let y = top - 1; y >= 0 && top - y <= BRIDGE + 1; y--) if (rowInk[y]) top = y;
  for (let y = bottom + 1; y < height && y - bottom <= BRIDGE + 1; y++) if (rowInk[y]) bottom = y;
  const inked = new Uint8Array(width);
  for (let y = top; y <= bottom; y++) {
    for (let x = 0; x < width; x++) if (contrast[y * width + x]! > threshold) inked[x] = 1;
  }
  const runs: Array<[number, number]> = [];
  for (let x = 0; x < width; x++) {
    if (!inked[x]) continue;
    const start = x;
    while (x < width && inked[x]) x++;
    runs.push([start, x]);
  }
  return { runs, textHeight: bottom - top + 1 };
}

/** The median of one channel over the crop's border pixels: the background, in a text crop. */
function borderMedian(data: Uint8Array, channels: number, channel: number, width: number, height: number): number {
  const counts = new Uint32Array(256);
  const add = (x: number, y: number): void => {
    counts[data[(y * width + x) * channels + channel]!]!++;
  };
  for (let x = 0; x < width; x++) {
    add(x, 0);
    add(x, height - 1);
  }
  for (let y = 0; y < height; y++) {
    add(0, y);
    add(width - 1, y);
  }
  const total = 2 * (width + height);
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += counts[v]!;
    if (seen * 2 >= total) return v;
  }
  return 255;
}

/** An RGB image as the ink tests read it. */
export interface RgbImage {
  width: number;
  data: Uint8Array;
}

/** The commonest colour among the given pixels of an image (a background where most of them show it). */
export function commonestColour(image: RgbImage, pixels: Iterable<readonly [number, number]>): number[] {
  const counts = new Map<number, number>();
  for (const [x, y] of pixels) {
    const p = (y * image.width + x) * 3;
    const key = (image.data[p]! << 16) | (image.data[p + 1]! << 8) | image.data[p + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const key = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  return [(key >> 16) & 255, (key >> 8) & 255, key & 255];
}

/**
 * What counts as ink, judged from `region` of an RGB image: a pixel that differs from the region's
 * background (its border's median colour) by a clear margin of the region's strongest contrast.
 * The test applies anywhere in the image (beside the region too); undefined when the region is blank.
 */
export function inkTest(
  image: RgbImage,
  region: { x0: number; y0: number; x1: number; y1: number },
): ((x: number, y: number) => boolean) | undefined {
  const width = region.x1 - region.x0;
  const height = region.y1 - region.y0;
  if (width < 2 || height < 2) return undefined;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((region.y0 + y) * image.width + region.x0) * 3;
    data.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  const background = [0, 1, 2].map((c) => borderMedian(data, 3, c, width, height));
  const contrast = (d: Uint8Array, i: number): number =>
    Math.max(
      Math.abs(d[i]! - background[0]!),
      Math.abs(d[i + 1]! - background[1]!),
      Math.abs(d[i + 2]! - background[2]!),
    );
  let strongest = 0;
  for (let i = 0; i < width * height; i++) strongest = Math.max(strongest, contrast(data, i * 3));
  if (strongest < MIN_INK_CONTRAST) return undefined;
  const threshold = strongest * THRESHOLD;
  return (x, y) => contrast(image.data, (y * image.width + x) * 3) > threshold;
}

/**
 * The bounds of the ink inside `region` of an RGB image, or undefined when it is blank: the
 * background is the region's border, ink what differs from it by a clear margin. With `maxGap`,
 * only the leftmost cluster of ink counts: it ends at the first run of `maxGap` blank columns.
 */
export function inkBounds(
  image: RgbImage,
  region: { x0: number; y0: number; x1: number; y1: number },
  maxGap = Infinity,
): { x0: number; y0: number; x1: number; y1: number } | undefined {
  const ink = inkTest(image, region);
  if (!ink) return undefined;
  let b: { x0: number; y0: number; x1: number; y1: number } | undefined;
  for (let x = region.x0; x < region.x1 && !(b && x - b.x1 >= maxGap); x++) {
    for (let y = region.y0; y < region.y1; y++) {
      if (!ink(x, y)) continue;
      b = b
        ? { x0: Math.min(b.x0, x), y0: Math.min(b.y0, y), x1: Math.max(b.x1, x + 1), y1: Math.max(b.y1, y + 1) }
        : { x0: x, y0: y, x1: x + 1, y1: y + 1 };
    }
  }
  return b;
}
