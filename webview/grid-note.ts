// What the panel says about the tile grid: a quiet summary with the details on demand, and a
// warning only when shrinking the image to the allowed tiles makes ordinary text too small to read.
import { MAX_TILES_LIMIT, type TileGrid } from '../src/common/protocol.ts';

/** Pixel height of the smallest text commonly worth reading in screenshots (UI and code fonts). */
const SMALL_TEXT_PX = 12;
/** Below this height in the model's pixels, a letter covers too little of a vision patch to tell apart. */
const LEGIBLE_TEXT_PX = 8;

export interface GridNote {
  summary: string;
  detail: string;
  warning?: string;
}

/**
 * How much the image is shrunk (below 1) or enlarged to fill its grid, on the axis that loses the
 * most: text height follows the vertical factor, letter width the horizontal one.
 */
export function scaleFactor(grid: TileGrid, size: { width: number; height: number }): number {
  return Math.min((grid.rows * grid.tileSize) / size.height, (grid.cols * grid.tileSize) / size.width);
}

const tiles = (rows: number, cols: number) => `${rows}×${cols} tile${rows * cols === 1 ? '' : 's'}`;

export function gridNote(
  grid: TileGrid | undefined,
  size: { width: number; height: number } | undefined,
): GridNote | undefined {
  if (grid === undefined || size === undefined) return undefined;
  const seen = `The model sees this image as ${tiles(grid.rows, grid.cols)} of ${grid.tileSize} px plus a thumbnail (${grid.views} views).`;
  const note: GridNote = { summary: `${tiles(grid.rows, grid.cols)} + thumbnail`, detail: seen };
  if (grid.limitedFrom === undefined) return note;
  const { rows, cols } = grid.limitedFrom;
  const scale = scaleFactor(grid, size);
  const percent = `${Math.round(scale * 100)}%`;
  note.detail = `${seen} Its full detail needs ${rows}×${cols} = ${rows * cols} tiles; within infimmHd.maxTiles it is shown to the model at ${percent} of its size.`;
  const smallText = SMALL_TEXT_PX * scale;
  if (smallText >= LEGIBLE_TEXT_PX) return note;
  const raise = rows * cols <= MAX_TILES_LIMIT ? `, or set infimmHd.maxTiles to ${rows * cols}` : '';
  note.warning =
    `Small text may be unreadable: the model sees this image at ${percent}, so ${SMALL_TEXT_PX} px text becomes ${smallText.toFixed(1)} px. ` +
    `Crop the image to the part you ask about${raise}.`;
  return note;
}
