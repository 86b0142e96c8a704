// Large and tall screenshots are detected in overlapping windows at their own resolution: shrinking
// a 4K or a 10000-px-tall capture to the detector's usual 960 px would wipe out 12-px UI text.
import type { Bounds } from './geometry.ts';

export interface WindowPlan {
  /** Windows in source pixels, row-major; adjacent windows overlap by at least `overlap` pixels. */
  windows: Bounds[];
}

/**
 * Splits `region` into as few windows as keep each window's longer side, once scaled by `scale`,
 * within `maxSide` detector pixels, with `overlap` detector pixels shared between neighbours so
 * that every text line shorter than the overlap lies whole inside at least one window.
 */
export function planWindows(region: Bounds, scale: number, maxSide: number, overlap: number): WindowPlan {
  const axis = (start: number, end: number): Array<[number, number]> => {
    const length = end - start;
    const side = maxSide / scale;
    const shared = overlap / scale;
    if (length <= side) return [[start, end]];
    const count = Math.ceil((length - shared) / (side - shared));
    const size = Math.min(length, Math.ceil((length + (count - 1) * shared) / count));
    const step = (length - size) / (count - 1);
    return Array.from({ length: count }, (_, i) => {
      const a = start + Math.round(i * step);
      return [a, Math.min(end, a + size)];
    });
  };
  const rows = axis(region.y0, region.y1);
  const cols = axis(region.x0, region.x1);
  return { windows: rows.flatMap(([y0, y1]) => cols.map(([x0, x1]) => ({ x0, y0, x1, y1 }))) };
}
