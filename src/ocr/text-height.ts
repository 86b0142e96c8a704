// How tall the text of an image is, measured on its pixels before any model runs, so that detection
// can run at the lowest resolution that keeps it: a HiDPI screenshot's 24-px text is found as well
// at half size, for a quarter of the detector's cost.
import type { DecodedImage } from '../image/decode.ts';
import type { Bounds } from './geometry.ts';

/** Columns per strip: narrow enough that a strip crosses few lines of different sizes. */
const STRIP = 32;
/** A strip row is inked when its brightest and darkest pixels differ by more than this (of 255). */
const CONTRAST = 48;
/** Runs of inked rows outside this range are rules, borders or pictures, not lines of text. */
const MIN_RUN = 4;
const MAX_RUN = 120;
/** Which of the runs, sorted by height, stands for the page's text (the median). */
const PERCENTILE = 0.5;

/**
 * The median height of the runs of inked rows within vertical strips of `region`, in image pixels,
 * or undefined when nothing there looks like text. A run is one line's extent in one strip, from
 * its x-height to its full height, so the estimate errs towards small text.
 */
export function typicalTextHeight(image: DecodedImage, region: Bounds): number | undefined {
  const runs: number[] = [];
  for (let x0 = region.x0; x0 < region.x1; x0 += STRIP) {
    const x1 = Math.min(region.x1, x0 + STRIP);
    let run = 0;
    for (let y = region.y0; y <= region.y1; y++) {
      if (y < region.y1 && inked(image, y, x0, x1)) {
        run++;
        continue;
      }
      if (run >= MIN_RUN && run <= MAX_RUN) runs.push(run);
      run = 0;
    }
  }
  if (runs.length === 0) return undefined;
  runs.sort((a, b) => a - b);
  return runs[Math.floor(PERCENTILE * (runs.length - 1))];
}

function inked(image: DecodedImage, y: number, x0: number, x1: number): boolean {
  const { data, width } = image;
  let lo = 255 * 8;
  let hi = 0;
  for (let p = (y * width + x0) * 3, end = (y * width + x1) * 3; p < end; p += 3) {
    // Luma in eighths: coloured syntax on a dark background differs from it in brightness too.
    const luma = 2 * data[p]! + 5 * data[p + 1]! + data[p + 2]!;
    if (luma < lo) lo = luma;
    if (luma > hi) hi = luma;
  }
  return hi - lo > CONTRAST * 8;
}
