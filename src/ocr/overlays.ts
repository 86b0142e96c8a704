// Floating boxes: the command palette, a dialog, a hover or a find widget is drawn over the panes
// with a border of its own, so none of its sides runs across the part beneath as a pane border
// does, and the rows it covers continue on both sides of it. Such a box is a rectangle with an
// edge along all four sides that stops at its corners; it is a region of its own, and the part
// beneath is cut with it hidden.
import { type EdgeSums, edgeCount, samples, STRIDE } from './edges.ts';
import { type Bounds, inside } from './geometry.ts';

/** A side is an edge along at least this share of its length. */
const SIDE = 0.9;
/** A floating box is at least this many text heights tall and wide (a one-line input box is part of its pane). */
const MIN_SIDE = 3;
/** Boxes that cross its sides (text read across two layers) are at most this share of those it holds. */
const MAX_CROSSING = 0.25;
/** A box within this many pixels of a pane's edge is no overlay: it is cut like a pane. */
const MARGIN = 2;

interface Side {
  x: number;
  y0: number;
  y1: number;
}

/**
 * The largest floating box in `part`, if any: two vertical sides of the same extent joined by a
 * top and a bottom edge, holding some of the text boxes and crossed by few. `hidden` are floating
 * boxes found before, whose pixels and text are left out.
 */
export function findOverlay(
  edges: EdgeSums,
  part: Bounds,
  boxes: readonly Bounds[],
  hidden: readonly Bounds[],
): Bounds | undefined {
  const shown = boxes.filter((b) => inside(b, part) && !hidden.some((h) => inside(b, h)));
  const heights = shown.map((b) => b.y1 - b.y0).sort((a, b) => a - b);
  const text = heights[Math.floor(heights.length / 2)];
  if (text === undefined) return undefined;
  const minSide = MIN_SIDE * text;
  const sides = verticalSides(edges, part, hidden, minSide);
  let best: Bounds | undefined;
  for (const left of sides) {
    for (const right of sides) {
      if (right.x - left.x < minSide || Math.abs(right.y0 - left.y0) > STRIDE || Math.abs(right.y1 - left.y1) > STRIDE)
        continue;
      const top = horizontalSide(edges, part, left.x, right.x, Math.min(left.y0, right.y0));
      const bottom = horizontalSide(edges, part, left.x, right.x, Math.max(left.y1, right.y1));
      if (top === undefined || bottom === undefined || bottom - top < minSide) continue;
      const box = { x0: left.x, x1: right.x, y0: top, y1: bottom };
      if ((best && area(best) >= area(box)) || !floating(box, part)) continue;
      const held = shown.filter((b) => inside(b, box)).length;
      const crossing = shown.filter((b) => crosses(b, box, text)).length;
      if (held > 0 && crossing <= MAX_CROSSING * held) best = box;
    }
  }
  return best;
}

const area = (b: Bounds): number => (b.x1 - b.x0) * (b.y1 - b.y0);

/** Away from the part's edges on at least three sides: a box flush with them is a pane, which the borders cut. */
function floating(box: Bounds, part: Bounds): boolean {
  const flush = [box.x0 - part.x0, part.x1 - box.x1, box.y0 - part.y0, part.y1 - box.y1].filter(
    (d) => d <= MARGIN,
  ).length;
  return flush <= 1;
}

/** Whether a text box lies across one of the rectangle's sides by more than a quarter of a text height on each side. */
function crosses(b: Bounds, r: Bounds, text: number): boolean {
  const m = text / 4;
  const acrossX = (x: number): boolean => b.x0 < x - m && b.x1 > x + m && b.y1 > r.y0 && b.y0 < r.y1;
  const acrossY = (y: number): boolean => b.y0 < y - m && b.y1 > y + m && b.x1 > r.x0 && b.x0 < r.x1;
  return acrossX(r.x0) || acrossX(r.x1) || acrossY(r.y0) || acrossY(r.y1);
}

/**
 * Vertical edges in the part at least `minLength` long that stop before its top or bottom (the
 * sampled rows of a column, a missing sample bridged), outside hidden boxes.
 */
function verticalSides(edges: EdgeSums, part: Bounds, hidden: readonly Bounds[], minLength: number): Side[] {
  const [k0, k1] = [Math.ceil(part.y0 / STRIDE), Math.ceil(part.y1 / STRIDE)];
  const sides: Side[] = [];
  for (let x = part.x0 + 1; x < part.x1; x++) {
    const covered = hidden.filter((h) => x >= h.x0 && x < h.x1);
    let start: number | undefined;
    let last = -Infinity;
    let count = 0;
    const close = (): void => {
      const [y0, y1] = [start! * STRIDE, (last + 1) * STRIDE];
      if (y1 - y0 >= minLength && count >= SIDE * (last + 1 - start!) && (start! > k0 || last + 1 < k1))
        sides.push({ x, y0, y1 });
    };
    for (let k = k0; k < k1; k++) {
      const y = k * STRIDE;
      const edge = edgeCount(edges, 'x', x, y, y + 1) > 0 && !covered.some((h) => y >= h.y0 && y < h.y1);
      if (!edge) continue;
      if (start === undefined || k - last > 2) {
        if (start !== undefined) close();
        [start, count] = [k, 0];
      }
      last = k;
      count++;
    }
    if (start !== undefined) close();
  }
  return sides;
}

/** The row nearest `near` (within two samples) with an edge along SIDE of [x0, x1), inside the part. */
function horizontalSide(edges: EdgeSums, part: Bounds, x0: number, x1: number, near: number): number | undefined {
  const needed = SIDE * samples(x0, x1);
  let found: number | undefined;
  for (let y = Math.max(part.y0 + 1, near - 2 * STRIDE); y < Math.min(part.y1, near + 2 * STRIDE); y++) {
    if (
      edgeCount(edges, 'y', y, x0, x1) >= needed &&
      (found === undefined || Math.abs(y - near) < Math.abs(found - near))
    )
      found = y;
  }
  return found;
}
