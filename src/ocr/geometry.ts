// Points, quadrilaterals and axis-aligned boxes in image pixels.
import type { OcrLine, Rect } from '../common/protocol.ts';

export type Point = [number, number];
/** Clockwise from top-left, as in OcrLine. */
export type Quad = OcrLine['box'];

/** Axis-aligned bounds (x0, y0 inclusive edges; x1, y1 exclusive). */
export interface Bounds {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function quadBounds(q: Quad): Bounds {
  const xs = q.map((p) => p[0]);
  const ys = q.map((p) => p[1]);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

export function boundsQuad(b: Bounds): Quad {
  return [
    [b.x0, b.y0],
    [b.x1, b.y0],
    [b.x1, b.y1],
    [b.x0, b.y1],
  ];
}

export function rectBounds(r: Rect): Bounds {
  return { x0: r.x, y0: r.y, x1: r.x + r.width, y1: r.y + r.height };
}

export function unionBounds(a: Bounds, b: Bounds): Bounds {
  return { x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1), y1: Math.max(a.y1, b.y1) };
}

/** Whether a box belongs to a part: its centre lies in it. */
export function inside(box: Bounds, part: Bounds): boolean {
  const [cx, cy] = [(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2];
  return cx >= part.x0 && cx < part.x1 && cy >= part.y0 && cy < part.y1;
}

/** Length of the overlap of [a0, a1) and [b0, b1); negative when they are apart (minus the gap). */
export function overlap1d(a0: number, a1: number, b0: number, b1: number): number {
  return Math.min(a1, b1) - Math.max(a0, b0);
}

/** Whether a quad is an upright rectangle (nearly every box of a screenshot, once straightened). */
export function isUpright([tl, tr, br, bl]: Quad): boolean {
  return tl[1] === tr[1] && bl[1] === br[1] && tl[0] === bl[0] && tr[0] === br[0];
}

/** The side lengths of a text quad: along the text (top edge) and across it (left edge). */
export function quadSize(q: Quad): { width: number; height: number } {
  return {
    width: Math.max(Math.hypot(q[1][0] - q[0][0], q[1][1] - q[0][1]), Math.hypot(q[2][0] - q[3][0], q[2][1] - q[3][1])),
    height: Math.max(
      Math.hypot(q[3][0] - q[0][0], q[3][1] - q[0][1]),
      Math.hypot(q[2][0] - q[1][0], q[2][1] - q[1][1]),
    ),
  };
}

/**
 * The part of quad `q` between fractions f0 and f1 of its length (0 = left edge, 1 = right edge),
 * interpolated along its top and bottom edges: words are sub-quads of their line.
 */
export function subQuad(q: Quad, f0: number, f1: number): Quad {
  const lerp = (a: Point, b: Point, f: number): Point => [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
  return [lerp(q[0], q[1], f0), lerp(q[0], q[1], f1), lerp(q[3], q[2], f1), lerp(q[3], q[2], f0)];
}

export function roundQuad(q: Quad): Quad {
  return q.map(([x, y]) => [Math.round(x * 10) / 10, Math.round(y * 10) / 10]) as Quad;
}
