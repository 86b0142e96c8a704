// An editor's minimap: the whole file drawn a pixel or two per line at the editor's right edge. Its
// "text" is no text (the detector finds boxes there and the recognizer reads "H. .." from them), and a
// missed code row's crop must stop before it. What tells it from code is the blank between its inked
// pixel rows: between rows of code it is the line spacing, about half a row; between minimap lines,
// a pixel or two, when they do not touch at all.
import type { Bounds } from './geometry.ts';
import { commonestColour, type RgbImage } from './ink.ts';

/** The minimap is looked for this many row heights left of the region's right edge (VS Code draws up to 120 columns). */
const SEARCH = 9;
/** Strips this many row heights wide are judged one by one. */
const STRIP = 0.5;
/** A strip whose blank runs between inked rows are mostly at most this many row heights is minimap… */
const SMALL_GAP = 0.25;
/** …when it has inked rows over at least this many row heights; a minimap is at least this many strips wide. */
const MIN_INK_ROWS = 3;
const MIN_STRIPS = 2;
/** Ink differs from the region's background by more than this in some channel (minimap colours are faded). */
const CONTRAST = 40;

/**
 * The left edge of the minimap at the right of an editor `area` whose rows of text are `rowHeight` pixels
 * apart, or undefined when there is none: where the leftmost run of minimap strips begins.
 */
export function minimapLeft(image: RgbImage, area: Bounds, rowHeight: number): number | undefined {
  const width = Math.max(2, Math.round(STRIP * rowHeight));
  const background = dominant(image, area);
  let left: number | undefined;
  let run = 0;
  for (let x1 = area.x1; x1 - width >= Math.max(area.x0, area.x1 - SEARCH * rowHeight); x1 -= width) {
    // The minimap's right part holds only its long lines, sparse as code: its left part decides.
    run = judge(image, { ...area, x0: x1 - width, x1 }, background, rowHeight) === 'minimap' ? run + 1 : 0;
    if (run >= MIN_STRIPS) left = x1 - width;
  }
  return left;
}

function judge(image: RgbImage, strip: Bounds, background: number[], rowHeight: number): 'minimap' | 'text' | 'blank' {
  const inked: boolean[] = [];
  for (let y = strip.y0; y < strip.y1; y++) {
    let ink = false;
    for (let x = strip.x0; x < strip.x1 && !ink; x++) {
      const p = (y * image.width + x) * 3;
      ink = [0, 1, 2].some((c) => Math.abs(image.data[p + c]! - background[c]!) > CONTRAST);
    }
    inked.push(ink);
  }
  let rows = 0;
  const gaps: number[] = [];
  for (let y = inked.indexOf(true); y >= 0 && y < inked.length;) {
    const start = y;
    while (y < inked.length && inked[y] === inked[start]) y++;
    if (inked[start]) rows += y - start;
    else if (y < inked.length) gaps.push(y - start);
  }
  // Too little ink to tell (an overview ruler's marks, the end of a long line) decides nothing.
  if (rows < MIN_INK_ROWS * rowHeight) return 'blank';
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1]! <= SMALL_GAP * rowHeight ? 'minimap' : 'text';
}

/** The commonest colour of the area, on a sparse grid of samples. */
function dominant(image: RgbImage, area: Bounds): number[] {
  const step = Math.max(1, Math.round(Math.sqrt(((area.x1 - area.x0) * (area.y1 - area.y0)) / 4096)));
  const pixels: Array<[number, number]> = [];
  for (let y = area.y0; y < area.y1; y += step) for (let x = area.x0; x < area.x1; x += step) pixels.push([x, y]);
  return commonestColour(image, pixels);
}
