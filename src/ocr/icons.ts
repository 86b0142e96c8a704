// Icon bars: a workbench's activity bar (and any column or band of toolbar buttons) is a region of
// the screen that holds icons only, and the recognizer reads some of them as characters ("=" for a
// menu, "R9" for source control). Such a region is recognised by what was read in it: nothing but
// short, squarish boxes.
import type { Bounds } from './geometry.ts';

/** An icon read as text gives at most this many characters… */
const MAX_CHARS = 2;
/** …in a box at most this many times as wide as tall… */
const SQUARE = 2;
/** …read with less confidence than this (a badge's count, read cleanly, stays). */
const CLEAR = 0.95;

export interface IconCandidate {
  text: string;
  confidence: number;
  bounds: Bounds;
}

/**
 * The reads to drop from one region of a screen cut into several: where every read in it is a
 * short squarish box, those read with doubt. A region with any real text keeps everything.
 */
export function iconReads(region: readonly IconCandidate[]): Set<number> {
  const short = (c: IconCandidate): boolean =>
    [...c.text.replace(/\s/g, '')].length <= MAX_CHARS && c.bounds.x1 - c.bounds.x0 <= SQUARE * (c.bounds.y1 - c.bounds.y0);
  if (region.length === 0 || !region.every(short)) return new Set();
  return new Set(region.flatMap((c, i) => (c.confidence < CLEAR ? [i] : [])));
}
