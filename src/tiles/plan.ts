// Chooses the tile grid for an image: the rounding rule of docs/architecture.md
// (`tiling.rounding = "nearest"`), then, past the tile budget, the closest-aspect grid that fits.
import type { TileGrid } from '../common/protocol.ts';

/**
 * rows = max(1, round-half-up(height / tileSize)), cols likewise from width. When rows·cols
 * exceeds maxTiles, the grid becomes the (rows, cols) with rows·cols ≤ maxTiles whose aspect
 * cols/rows is closest to the image's width/height on a log scale (so 2:1 and 1:2 are equally
 * far from 1:1); on a tie the grid with more tiles wins. The requested grid is kept in
 * `limitedFrom`.
 */
export function planGrid(width: number, height: number, tileSize: number, maxTiles: number): TileGrid {
  requirePositiveInteger('image width', width);
  requirePositiveInteger('image height', height);
  requirePositiveInteger('tile size', tileSize);
  requirePositiveInteger('maximum tiles', maxTiles);

  const rows = tilesAlong(height, tileSize);
  const cols = tilesAlong(width, tileSize);
  if (rows * cols <= maxTiles) return { rows, cols, tileSize, views: 1 + rows * cols };

  const fitted = closestAspectGrid(width / height, maxTiles);
  return { ...fitted, tileSize, views: 1 + fitted.rows * fitted.cols, limitedFrom: { rows, cols } };
}

/** max(1, floor(length/tile + ½)) in integers, so no floating-point rounding can move an x.5 boundary. */
function tilesAlong(length: number, tileSize: number): number {
  return Math.max(1, Math.floor((2 * length + tileSize) / (2 * tileSize)));
}

function closestAspectGrid(aspect: number, maxTiles: number): { rows: number; cols: number } {
  const target = Math.log(aspect);
  let best = { rows: 1, cols: 1, distance: Math.abs(target) };
  for (let rows = 1; rows <= maxTiles; rows++) {
    for (let cols = 1; rows * cols <= maxTiles; cols++) {
      const distance = Math.abs(Math.log(cols / rows) - target);
      // Equal ratios (2/1 and 4/2) give the same double, so exact ties are real ties.
      if (distance < best.distance || (distance === best.distance && rows * cols > best.rows * best.cols)) {
        best = { rows, cols, distance };
      }
    }
  }
  return { rows: best.rows, cols: best.cols };
}

function requirePositiveInteger(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`The ${what} must be a positive integer, got ${value}.`);
}
