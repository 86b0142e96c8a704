// Detected boxes fitted to the ink of their own characters. The detector's boxes hug letters and
// often leave out the thin or low characters at a line's ends: the underscores of `__init__`, a
// closing `}` before a comma, the comma after a string, a leading `/` or `*`. And where it finds a
// row in two pieces (a keyword and a name in other colours), their boxes may overlap, so that both
// crops hold the character between them ("deffentries"). Overlapping boxes on a row are first
// parted in the gap between their characters; then each is extended over ink next to it on its
// row, a character or two at most, and never into another box.
import { type Bounds, boundsQuad, isUpright, overlap1d, type Quad, quadBounds, quadSize } from './geometry.ts';
import { inkTest, type RgbImage } from './ink.ts';
import { VERTICAL } from './recognize.ts';

/** Ink closer than this many box heights continues the box (adjacent characters of code are ~0.3 apart; a word space is ~0.55 or more)… */
const MAX_GAP = 0.4;
/** …up to this many box heights beyond it (about four monospaced characters). */
const MAX_REACH = 2;

type Ink = (x: number, y: number) => boolean;

/** Level boxes of horizontal text parted and widened over the ink that continues them, within `area`; other boxes as they are. */
export function widenToInk(image: RgbImage, boxes: readonly Quad[], area: Bounds): Quad[] {
  const horizontal = (box: Quad): boolean => {
    const { width, height } = quadSize(box);
    return isUpright(box) && height < VERTICAL * width;
  };
  const upright = boxes.flatMap((box, i) => (horizontal(box) ? [i] : []));
  const bounds = part(
    image,
    upright.map((i) => quadBounds(boxes[i]!)),
  );
  const out = [...boxes];
  upright.forEach((i, k) => {
    out[i] = boundsQuad(
      widen(
        image,
        bounds[k]!,
        bounds.filter((_, j) => j !== k),
        area,
      ),
    );
  });
  return out;
}

const onSameRow = (a: Bounds, b: Bounds): boolean =>
  overlap1d(a.y0, a.y1, b.y0, b.y1) >= 0.5 * Math.min(a.y1 - a.y0, b.y1 - b.y0);

/** Whether column x holds ink in rows [y0, y1) but does not run through all of them (a border or a frame's edge does). */
function inkedColumn(ink: Ink, x: number, y0: number, y1: number): boolean {
  let rows = 0;
  for (let y = y0; y < y1; y++) if (ink(x, y)) rows++;
  return rows > 0 && rows < y1 - y0;
}

/**
 * Boxes on one row that overlap, each reaching into the other's start or end, are parted in the
 * middle of the widest blank stretch of their overlap; overlaps with ink all through stay.
 */
function part(image: RgbImage, boxes: Bounds[]): Bounds[] {
  const out = boxes.map((b) => ({ ...b }));
  const order = out.map((_, i) => i).sort((p, q) => out[p]!.x0 - out[q]!.x0);
  for (const [n, i] of order.entries()) {
    for (const j of order.slice(n + 1)) {
      const [a, b] = [out[i]!, out[j]!];
      if (!onSameRow(a, b) || !(b.x0 < a.x1 && a.x1 < b.x1)) continue;
      const rows = {
        x0: Math.floor(a.x0),
        x1: Math.ceil(b.x1),
        y0: Math.floor(Math.max(a.y0, b.y0)),
        y1: Math.ceil(Math.min(a.y1, b.y1)),
      };
      const ink = inkTest(image, rows);
      if (!ink) continue;
      let best: [number, number] | undefined;
      let start: number | undefined;
      for (let x = Math.ceil(b.x0); x <= Math.floor(a.x1); x++) {
        const blank = x < Math.floor(a.x1) && !inkedColumn(ink, x, rows.y0, rows.y1);
        if (blank) start ??= x;
        else if (start !== undefined) {
          if (!best || x - start > best[1] - best[0]) best = [start, x];
          start = undefined;
        }
      }
      if (!best) continue;
      a.x1 = b.x0 = (best[0] + best[1]) / 2;
    }
  }
  return out;
}

/**
 * The box widened left and right over ink that continues it: to the farthest run of ink that ends
 * within MAX_REACH, each closer than MAX_GAP to the one before, keeping the box's own margin
 * around its ink. Ink still running at MAX_REACH is left out (a glyph cut in half reads as another
 * character); so is ink within another box on the row.
 */
function widen(image: RgbImage, b: Bounds, others: readonly Bounds[], area: Bounds): Bounds {
  const region = { x0: Math.floor(b.x0), y0: Math.floor(b.y0), x1: Math.ceil(b.x1), y1: Math.ceil(b.y1) };
  const ink = inkTest(image, region);
  if (!ink) return b;
  const height = region.y1 - region.y0;
  const inked = (x: number): boolean => inkedColumn(ink, x, region.y0, region.y1);
  // The box's own ink, and the margin the detector left around it.
  let [left, right] = [region.x0, region.x1 - 1];
  while (left < right && !inked(left)) left++;
  while (right > left && !inked(right)) right--;
  if (!inked(left)) return b;
  const row = others.filter((o) => onSameRow(o, b));
  const leftLimit = Math.max(
    area.x0,
    Math.ceil(b.x0 - MAX_REACH * height),
    ...row.filter((o) => o.x1 <= b.x1).map((o) => Math.ceil(o.x1)),
  );
  const rightLimit = Math.min(
    area.x1 - 1,
    Math.floor(b.x1 + MAX_REACH * height),
    ...row.filter((o) => o.x0 >= b.x0).map((o) => Math.floor(o.x0) - 1),
  );
  const newLeft = reach(inked, left, -1, leftLimit, MAX_GAP * height);
  const newRight = reach(inked, right, 1, rightLimit, MAX_GAP * height);
  return { ...b, x0: Math.min(b.x0, b.x0 - (left - newLeft)), x1: Math.max(b.x1, b.x1 + (newRight - right)) };
}

/**
 * From the inked column `from`, steps outward (`step` ±1) to `limit` and returns the farthest
 * inked column that ends a run of ink closer than `maxGap` to the one before: `from` when none
 * does. A run still going at the limit does not count.
 */
function reach(inked: (x: number) => boolean, from: number, step: 1 | -1, limit: number, maxGap: number): number {
  let last = from;
  let ended = from;
  for (let x = from + step; step > 0 ? x <= limit : x >= limit; x += step) {
    if (inked(x)) {
      last = x;
      continue;
    }
    if (Math.abs(x - last) === 1) ended = last;
    if (Math.abs(x - last) > maxGap) return ended;
  }
  return ended;
}
