// The second look at code rows the detector missed: where to crop them for the recognizer.
import type { PlacedLine } from './assemble.ts';
import { type Bounds, boundsQuad, overlap1d, type Quad, quadBounds } from './geometry.ts';
import { inkBounds, type RgbImage } from './ink.ts';

/** Margins around a missed row's ink (left, right) in row heights: the recognizer's confidence in a lone "}" swings with them. */
const GAP_MARGINS = [
  [0.5, 1],
  [1, 1],
  [0.5, 2],
] as const;
/** Blank columns, in row heights, that end a missed row's ink (about six characters: code has no wider gap at its start). */
const GAP_CLUSTER = 3;

/**
 * Boxes for the code rows where nothing was read but ink is present (the detector overlooks lone
 * "}" lines): for each, a few boxes of the row's height around the ink. Ink is looked for from a
 * row height left of the code, but only a line read within the code's own columns means the row
 * was read: the line number beside it may reach that far.
 */
export function gapBoxes(
  image: RgbImage,
  region: Bounds,
  gaps: readonly Bounds[],
  lines: readonly PlacedLine[],
): Quad[][] {
  const taken = lines.map((l) => quadBounds(l.box));
  const boxes: Quad[][] = [];
  for (const gap of gaps) {
    const height = gap.y1 - gap.y0;
    const g = {
      x0: Math.max(region.x0, Math.round(gap.x0 - height)),
      x1: Math.min(region.x1, Math.round(gap.x1)),
      // A docstring's lone quotes sit high in their row: less is trimmed above than below.
      y0: Math.max(region.y0, Math.round(gap.y0 + 0.1 * height)),
      y1: Math.min(region.y1, Math.round(gap.y1 - 0.2 * height)),
    };
    if (
      g.y1 - g.y0 < 2 ||
      taken.some(
        (t) => overlap1d(t.y0, t.y1, g.y0, g.y1) > 0.5 * (g.y1 - g.y0) && overlap1d(t.x0, t.x1, gap.x0, gap.x1) > 0,
      )
    )
      continue;
    // The row's first cluster of ink: a minimap or an overview ruler far right of it is no part of the line.
    const ink = inkBounds(image, g, GAP_CLUSTER * height);
    if (!ink || ink.y1 - ink.y0 < 0.25 * height) continue;
    const centre = (gap.y0 + gap.y1) / 2;
    boxes.push(
      GAP_MARGINS.map(([left, right]) =>
        boundsQuad({
          x0: Math.max(region.x0, Math.floor(ink.x0 - left * height)),
          x1: Math.min(region.x1, Math.ceil(ink.x1 + right * height)),
          y0: Math.max(region.y0, Math.floor(centre - height / 2)),
          y1: Math.min(region.y1, Math.ceil(centre + height / 2)),
        }),
      ),
    );
  }
  return boxes;
}

/**
 * The confidence a missed row's reading of quotes alone (a docstring's or a fence's `"""`, ```` ``` ````) needs: with
 * no letters beside them the recognizer is never sure of them (0.2–0.4), and a second look only reads where the row
 * holds ink. Brackets keep the usual floor: a lone `)` read unsurely is often the start of `) {}`, which the
 * splice beside letters (splice.ts) reads whole.
 */
const QUOTES_CONFIDENCE = 0.2;

/** Whether a missed row's reading counts: some text, at least `minConfidence` sure, or less for quotes alone. */
export function sureGapReading(r: { text: string; confidence: number }, minConfidence: number): boolean {
  const quotes = /^["'`\s]+$/.test(r.text);
  return r.text.trim() !== '' && r.confidence >= (quotes ? Math.min(minConfidence, QUOTES_CONFIDENCE) : minConfidence);
}

/**
 * The reading of a missed row, among its croppings' readings: of the sure ones (`sureGapReading`), the one
 * with the most characters (a tight cropping drops the glyph at its edge, "," for "},", and none makes one up
 * on a blank background), then the most confident.
 */
export function fullestReading<T extends { text: string; confidence: number }>(
  readings: readonly T[],
  minConfidence: number,
): T {
  const score = (r: T): [number, number, number] => [
    Number(sureGapReading(r, minConfidence)),
    r.text.trim().length,
    r.confidence,
  ];
  return readings.reduce((best, r) => {
    const [a, b] = [score(best), score(r)];
    return (b[0] - a[0] || b[1] - a[1] || b[2] - a[2]) > 0 ? r : best;
  });
}

/**
 * Whether a missed row's reading is a read line's again: the same letters and digits, on a line that
 * overlaps it across and lies within a row height (a crop that catches the top of the next row, when its
 * own row is hidden under a sticky header, reads that row).
 */
export function readAgain(reading: PlacedLine, lines: readonly PlacedLine[]): boolean {
  const letters = (text: string): string => text.replace(/[^\p{L}\p{N}]/gu, '');
  const b = quadBounds(reading.box);
  const own = letters(reading.text);
  return lines.some((line) => {
    const l = quadBounds(line.box);
    const across = overlap1d(l.x0, l.x1, b.x0, b.x1) > 0.5 * Math.min(l.x1 - l.x0, b.x1 - b.x0);
    const near = Math.abs(l.y0 + l.y1 - b.y0 - b.y1) / 2 < b.y1 - b.y0;
    return across && near && own.length > 0 && letters(line.text) === own;
  });
}
