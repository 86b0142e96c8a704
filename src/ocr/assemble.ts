// From recognized lines to the result: blocks in reading order, monospaced blocks rebuilt as code
// (one line per row, with indentation), everything else as read.
import type { OcrLine, OcrWord } from '../common/protocol.ts';
import { type CharGrid, classifyGrid, layoutCode, measureGrid, rowPitch, type GridRow, type GridRun } from './code-layout.ts';
import { type Bounds, boundsQuad, overlap1d, type Quad, quadBounds, unionBounds } from './geometry.ts';
import { type Blocks, readingOrder } from './reading-order.ts';

export type LayoutMode = 'auto' | 'code' | 'prose';

export interface PlacedLine {
  box: Quad;
  text: string;
  confidence: number;
  words?: OcrWord[];
  /** Ink runs along the line in image x, for horizontal upright lines (others never go on a grid). */
  runs?: GridRun[];
  /** Read after a half turn. */
  flipped?: boolean;
}

export interface Assembled {
  lines: OcrLine[];
  text: string;
  layout: 'code' | 'prose';
  /**
   * Rows of code where nothing was read: blank lines, the row before each code region and the two after it.
   * The detector misses lone short tokens ("}"), so these are worth a second look.
   */
  codeGaps: Bounds[];
}

/** Neighbouring code blocks whose cell widths differ by less than this fraction share one grid. */
const SAME_CELL = 0.05;
/** …and whose vertical gap is at most this many row heights (blank lines inside code). */
const CODE_GAP = 4;

/** 'small': too little text to tell whether it is monospaced. */
type Kind = 'code' | 'prose' | 'small';

interface Region {
  blocks: number[][][];
  kind: Kind;
  cellWidth: number;
  bounds: Bounds;
}

export function assemble(lines: readonly PlacedLine[], mode: LayoutMode): Assembled {
  const bounds = lines.map((l) => quadBounds(l.box));
  // A page that is mostly upside down is read in its own orientation: its last line is on top.
  const upsideDown = lines.filter((l) => l.flipped).length * 2 > lines.length;
  const order = readingOrder(upsideDown ? bounds.map((b) => ({ x0: -b.x1, y0: -b.y1, x1: -b.x0, y1: -b.y0 })) : bounds);
  const regions = joinCodeBlocks(order, lines, bounds, mode);
  const out: OcrLine[] = [];
  const text: string[] = [];
  const codeGaps: Bounds[] = [];
  let codeChars = 0;
  let allChars = 0;
  regions.forEach((region, block) => {
    if (region.kind === 'code') {
      const rows = region.blocks.flat();
      const grid = rows.map((row) => gridRow(row, lines, bounds));
      const height = [...grid.map((r) => r.height)].sort((p, q) => p - q)[Math.floor(grid.length / 2)]!;
      const gap = (y: number): Bounds => ({ x0: region.bounds.x0, x1: region.bounds.x1, y0: y - height / 2, y1: y + height / 2 });
      const pitch = rowPitch(grid);
      if (pitch) codeGaps.push(gap(grid[0]!.y - pitch), gap(grid.at(-1)!.y + pitch), gap(grid.at(-1)!.y + 2 * pitch));
      for (const code of layoutCode(grid, region.cellWidth)) {
        text.push(' '.repeat(code.indent) + code.text);
        if (code.row === undefined) {
          codeGaps.push(gap(code.y));
          continue;
        }
        const members = rows[code.row]!.map((k) => lines[k]!);
        out.push({
          text: code.text,
          box: boundsQuad(rows[code.row]!.map((k) => bounds[k]!).reduce(unionBounds)),
          confidence: Math.min(...members.map((m) => m.confidence)),
          block,
          words: members.flatMap((m) => m.words ?? []),
          indent: code.indent,
        });
        codeChars += code.text.length;
        allChars += code.text.length;
      }
      return;
    }
    for (const row of region.blocks.flat()) {
      text.push(row.map((k) => lines[k]!.text).join(' '));
      for (const k of row) {
        const { box, confidence, words } = lines[k]!;
        out.push({ text: lines[k]!.text, box, confidence, block, ...(words ? { words } : {}) });
        allChars += lines[k]!.text.length;
      }
    }
  });
  const layout = mode === 'auto' ? (codeChars > 0 && codeChars * 2 >= allChars ? 'code' : 'prose') : mode;
  return { lines: out, text: text.join('\n'), layout, codeGaps };
}

/**
 * Decides which blocks are code and joins consecutive code blocks on one grid (blank lines split
 * code into blocks, but its indentation is measured from one left edge). Blocks too short to
 * tell ("}", "import (") join the code next to them.
 */
function joinCodeBlocks(blocks: Blocks, lines: readonly PlacedLine[], bounds: readonly Bounds[], mode: LayoutMode): Region[] {
  const grid = (rows: number[][]): CharGrid | undefined => measureGrid(rows.map((row) => gridRow(row, lines, bounds)));
  const kind = (g: CharGrid | undefined): Kind => {
    if (g === undefined) return 'prose';
    const verdict = classifyGrid(g);
    if (mode === 'code') return 'code';
    return verdict === 'mono' ? 'code' : verdict === 'unknown' ? 'small' : 'prose';
  };
  const regions: Region[] = [];
  for (const block of blocks) {
    const box = block.flat().map((k) => bounds[k]!).reduce(unionBounds);
    const gridable = mode !== 'prose' && block.flat().every((k) => lines[k]!.runs);
    const own = gridable ? grid(block) : undefined;
    const current: Region = { blocks: [block], kind: kind(own), cellWidth: own?.cellWidth ?? 0, bounds: box };
    const last = regions.at(-1);
    const rowHeight = Math.min(...block.flat().map((k) => bounds[k]!.y1 - bounds[k]!.y0));
    const near =
      last !== undefined &&
      box.y0 >= last.bounds.y1 - rowHeight / 2 &&
      box.y0 - last.bounds.y1 <= CODE_GAP * rowHeight &&
      overlap1d(box.x0, box.x1, last.bounds.x0, last.bounds.x1) > 0;
    const joined = near && gridable && last.kind !== 'prose' ? grid([...last.blocks.flat(), ...block]) : undefined;
    // Short blocks join the code next to them; a block taken for prose (a few misread characters
    // throw a short block off its grid) joins when the code and it together sit on one grid.
    const joins =
      near &&
      (current.kind === 'prose'
        ? last.kind === 'code' && kind(joined) === 'code'
        : last.kind !== 'prose' &&
          (last.kind !== 'code' || current.kind !== 'code' || Math.abs(current.cellWidth / last.cellWidth - 1) < SAME_CELL));
    if (!joins || !last) {
      regions.push(current);
      continue;
    }
    last.blocks.push(block);
    last.bounds = unionBounds(last.bounds, box);
    // Joining short blocks may show them monospaced; it never turns them into prose.
    last.kind = last.kind === 'code' || current.kind === 'code' || kind(joined) === 'code' ? 'code' : 'small';
    if (joined) last.cellWidth = joined.cellWidth;
  }
  return regions;
}

function gridRow(row: number[], lines: readonly PlacedLine[], bounds: readonly Bounds[]): GridRow {
  const y0 = Math.min(...row.map((k) => bounds[k]!.y0));
  const y1 = Math.max(...row.map((k) => bounds[k]!.y1));
  const heights = row.map((k) => bounds[k]!.y1 - bounds[k]!.y0);
  return {
    runs: row.flatMap((k) => lines[k]!.runs ?? []).sort((a, b) => a.x0 - b.x0),
    y: (y0 + y1) / 2,
    height: Math.min(...heights),
  };
}
