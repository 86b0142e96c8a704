// Text lines found twice, or cut in two, where detection windows overlap become one line again.
import { type Bounds, boundsQuad, overlap1d, type Quad, quadBounds, unionBounds } from './geometry.ts';

export interface WindowBox {
  box: Quad;
  /** Which detection window found it: boxes of one window never duplicate each other. */
  window: number;
}

/**
 * Joins boxes of different windows that lie on the same text row (vertical overlap of at least
 * half the lower box) and touch or overlap horizontally; a joined group becomes its bounding box.
 */
export function mergeWindowBoxes(boxes: WindowBox[]): Quad[] {
  const bounds = boxes.map((b) => quadBounds(b.box));
  const parent = boxes.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      if (boxes[i]!.window !== boxes[j]!.window && sameLine(bounds[i]!, bounds[j]!)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, number[]>();
  boxes.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  return [...groups.values()].map((members) =>
    members.length === 1 ? boxes[members[0]!]!.box : boundsQuad(members.map((i) => bounds[i]!).reduce(unionBounds)),
  );
}

function sameLine(a: Bounds, b: Bounds): boolean {
  const vertical = overlap1d(a.y0, a.y1, b.y0, b.y1);
  return vertical >= 0.5 * Math.min(a.y1 - a.y0, b.y1 - b.y0) && overlap1d(a.x0, a.x1, b.x0, b.x1) >= 0;
}
