// From recognized lines to the result: the screen's regions (panes, side bars, bands) in reading
// order, icons read as characters in icon bars dropped, in each region the line-number gutter set
// apart and blocks in reading order, monospaced blocks rebuilt as code (one line per row, with
// indentation and line number), everything else as read.
import type { OcrLine, OcrWord } from '../common/protocol.ts';
import type { DecodedImage } from '../image/decode.ts';
import {
  type CharGrid,
  classifyGrid,
  layoutCode,
  measureGrid,
  median,
  rowPitch,
  type GridRow,
  type GridRun,
} from './code-layout.ts';
import { type Bounds, boundsQuad, inside, overlap1d, type Quad, quadBounds, unionBounds } from './geometry.ts';
import { lineNumbers, numberBeside } from './gutter.ts';
import { iconReads, treeIcons } from './icons.ts';
import { type Blocks, readingOrder, rows as textRows } from './reading-order.ts';
import { minimapLeft } from './minimap.ts';
import { findRegions, type ScreenRegion } from './regions.ts';

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

/** The pixels the lines were read from, and the part of them that was read: its borders cut it into regions. */
export interface Screen {
  image: DecodedImage;
  area: Bounds;
}

export interface Assembled {
  lines: OcrLine[];
  text: string;
  layout: 'code' | 'prose';
  /**
   * Rows of code where nothing was read: blank lines, the row before each code region and the two after it,
   * numbered rows beyond the code read.
   * The detector misses lone short tokens ("}"), so these are worth a second look.
   */
  codeGaps: Bounds[];
}

/** Neighbouring code blocks whose cell widths differ by less than this fraction share one grid. */
const SAME_CELL = 0.05;
/** …and whose vertical gap is at most this many row heights (blank lines inside code). */
const CODE_GAP = 4;

/** Cells from the right edge of a gutter's number boxes to the left edge of the code's column 0, as VS Code draws them. */
const CODE_COLUMN = 2.75;

/** 'small': too little text to tell whether it is monospaced. */
type Kind = 'code' | 'prose' | 'small';

interface Region {
  blocks: number[][][];
  kind: Kind;
  cellWidth: number;
  bounds: Bounds;
  /** The line-number lines of the screen region it lies in. */
  gutter: number[];
}

export function assemble(read: readonly PlacedLine[], mode: LayoutMode, screen?: Screen): Assembled {
  const lines = [...read];
  const bounds = lines.map((l) => quadBounds(l.box));
  // A page that is mostly upside down is read in its own orientation: its last line is on top.
  const upsideDown = lines.filter((l) => l.flipped).length * 2 > lines.length;
  const oriented = upsideDown ? bounds.map((b) => ({ x0: -b.x1, y0: -b.y1, x1: -b.x0, y1: -b.y0 })) : bounds;
  const numbers = lineNumbers(lines.map((l, k) => ({ text: l.text, bounds: bounds[k]! })));
  const areas = screen ? findRegions(screen.image, screen.area, bounds, new Set(numbers.keys())) : [];
  const reading: Reading = { lines, bounds, oriented, numbers };
  const members = regionMembers(areas, reading, upsideDown);
  if (screen) dropMinimaps(members, areas, reading, screen.image);
  if (upsideDown) members.reverse();
  const regions = members.flatMap((ids) => gutterRegions(ids, reading, mode));
  return writeOut(
    regions,
    reading,
    areas.filter((a) => a.floating),
    mode,
  );
}

/** The lines being assembled: their boxes, as read and as oriented for reading order, and the gutter numbers among them. */
interface Reading {
  lines: PlacedLine[];
  bounds: Bounds[];
  oriented: readonly Bounds[];
  numbers: Map<number, number>;
}

/**
 * The lines of each screen region (a centre on no region's side of a cut goes with the first), without icons
 * read as characters. A tree's icons are cut off the lines they start (`lines` and `bounds` change there).
 */
function regionMembers(
  areas: ReadonlyArray<Bounds>,
  { lines, bounds, oriented, numbers }: Reading,
  upsideDown: boolean,
): number[][] {
  const members: number[][] = areas.length > 0 ? areas.map(() => []) : [[]];
  lines.forEach((_, k) =>
    members[
      Math.max(
        0,
        areas.findIndex((a) => inside(bounds[k]!, a)),
      )
    ]!.push(k),
  );
  // Icons read as characters in a region of icons only (the activity bar) are no text; nor are a tree's twisties and file icons.
  if (members.length > 1) {
    members.forEach((ids, r) => {
      const icons = iconReads(ids.map((k) => ({ ...lines[k]!, bounds: bounds[k]! })));
      members[r] = ids.filter((_, i) => !icons.has(i));
      // Code has short first words at one indentation too ("if x", "# note"): not beside a gutter, nor on a character grid.
      if (upsideDown || members[r].some((k) => numbers.has(k))) return;
      if (
        classifyGrid(measureGrid(textRows(members[r], oriented).map((row) => gridRow(row, lines, bounds)))) === 'mono'
      )
        return;
      const height = median(members[r].map((k) => bounds[k]!.y1 - bounds[k]!.y0)) ?? 0;
      for (const i of treeIcons(
        members[r].map((k) => lines[k]!),
        height,
      )) {
        const k = members[r][i]!;
        lines[k] = withoutIcon(lines[k]!);
        bounds[k] = quadBounds(lines[k].box);
      }
    });
  }
  return members;
}

/**
 * What is read in an editor's minimap is no text: a region with line numbers loses the lines right of its
 * minimap's edge, beside its numbered rows (a status bar below them may share the region).
 */
function dropMinimaps(
  members: number[][],
  areas: readonly ScreenRegion[],
  { bounds, numbers }: Reading,
  image: DecodedImage,
): void {
  members.forEach((ids, r) => {
    const area = areas[r];
    const numbered = ids.filter((k) => numbers.has(k)).map((k) => (bounds[k]!.y0 + bounds[k]!.y1) / 2);
    if (!area || area.floating || numbered.length === 0) return;
    const height = median(ids.map((k) => bounds[k]!.y1 - bounds[k]!.y0))!;
    const left = minimapLeft(image, area, height);
    if (left === undefined) return;
    const [top, bottom] = [Math.min(...numbered) - height / 2, Math.max(...numbered) + height / 2];
    members[r] = ids.filter((k) => {
      const [x, y] = [(bounds[k]!.x0 + bounds[k]!.x1) / 2, (bounds[k]!.y0 + bounds[k]!.y1) / 2];
      return x < left || y < top || y > bottom;
    });
  });
}

/** A region's lines in blocks: beside a line-number gutter, its numbered rows as code and what lies above and below it as read. */
function gutterRegions(ids: number[], { lines, bounds, oriented, numbers }: Reading, mode: LayoutMode): Region[] {
  const order = (of: number[]): Blocks =>
    readingOrder(of.map((k) => oriented[k]!)).map((b) => b.map((row) => row.map((i) => of[i]!)));
  const gutter = ids.filter((k) => numbers.has(k));
  if (gutter.length === 0) return joinCodeBlocks(order(ids), lines, bounds, mode, []);
  // The gutter spans the code: a tab strip or breadcrumbs above it, on the editor's background,
  // are no code. A row just beyond it whose number was missed is, when it starts right of the gutter.
  const centre = (k: number): number => (bounds[k]!.y0 + bounds[k]!.y1) / 2;
  const centres = gutter.map(centre).sort((a, b) => a - b);
  const pitch = median(centres.slice(1).map((y, i) => y - centres[i]!)) ?? 0;
  const right = median(gutter.map((k) => bounds[k]!.x1))!;
  const [top, bottom] = [centres[0]! - pitch / 2, centres.at(-1)! + pitch / 2];
  const inCode = (k: number): boolean =>
    (centre(k) >= top && centre(k) <= bottom) ||
    (bounds[k]!.x0 > right && centre(k) >= top - pitch && centre(k) <= bottom + pitch);
  const code = ids.filter((k) => !numbers.has(k) && inCode(k));
  // Each numbered row is one line of the file: no columns are looked for in it (aligned comments, tables in docstrings).
  const found = code.length > 0 ? joinCodeBlocks([textRows(code, oriented)], lines, bounds, mode, gutter) : [];
  // Numbers beside no code are no gutter, but text: a table's first column.
  if (found.every((r) => r.kind === 'prose')) return joinCodeBlocks(order(ids), lines, bounds, mode, []);
  const above = joinCodeBlocks(order(ids.filter((k) => !inCode(k) && centre(k) < top)), lines, bounds, mode, []);
  const below = joinCodeBlocks(order(ids.filter((k) => !inCode(k) && centre(k) > bottom)), lines, bounds, mode, []);
  // Beside a gutter, a block too short to tell is code all the same.
  return [
    ...above,
    ...found.map((r) => (r.kind === 'small' && r.cellWidth > 0 ? { ...r, kind: 'code' as const } : r)),
    ...below,
  ];
}

/** The result: code regions one line per row with indentation and line numbers, other blocks as read; the code rows where nothing was read. */
function writeOut(
  regions: readonly Region[],
  { lines, bounds, numbers }: Reading,
  overlays: readonly Bounds[],
  mode: LayoutMode,
): Assembled {
  const out: OcrLine[] = [];
  const text: string[] = [];
  const codeGaps: Bounds[] = [];
  let codeChars = 0;
  let allChars = 0;
  regions.forEach((region, block) => {
    if (region.kind === 'code') {
      const { rows, tails } = splitAtOverlays(region.blocks.flat(), bounds, overlays);
      const grid = rows.map((row) => gridRow(row, lines, bounds));
      const height = [...grid.map((r) => r.height)].sort((p, q) => p - q)[Math.floor(grid.length / 2)]!;
      const gap = (y: number): Bounds => ({
        x0: region.bounds.x0,
        x1: region.bounds.x1,
        y0: y - height / 2,
        y1: y + height / 2,
      });
      const pitch = rowPitch(grid);
      const gutter = region.gutter
        .map((k) => ({ y: (bounds[k]!.y0 + bounds[k]!.y1) / 2, value: numbers.get(k)! }))
        .sort((a, b) => a.y - b.y);
      codeGaps.push(...edgeGaps(grid, pitch, gutter, height).map(gap));
      // Column 0 begins a little right of the line numbers (line decorations, folding controls).
      const codeLeft =
        region.gutter.length > 0
          ? median(region.gutter.map((k) => bounds[k]!.x1))! + CODE_COLUMN * region.cellWidth
          : undefined;
      const emit = (ids: number[], line: string, indent: number, lineNumber?: number): void => {
        const members = ids.map((k) => lines[k]!);
        text.push(' '.repeat(indent) + line);
        out.push({
          text: line,
          box: boundsQuad(ids.map((k) => bounds[k]!).reduce(unionBounds)),
          confidence: Math.min(...members.map((m) => m.confidence)),
          block,
          words: members.flatMap((m) => m.words ?? []),
          indent,
          ...(lineNumber === undefined ? {} : { lineNumber }),
        });
        codeChars += line.length;
        allChars += line.length;
      };
      for (const code of layoutCode(grid, region.cellWidth, codeLeft)) {
        if (code.row === undefined) {
          text.push(' '.repeat(code.indent) + code.text);
          codeGaps.push(gap(code.y));
          continue;
        }
        emit(
          rows[code.row]!,
          code.text,
          code.indent,
          gutter.length > 0 ? numberBeside(gutter, code.y, pitch ?? height) : undefined,
        );
        // What shows right of a floating box is a line of its own: the box hides how far it is from the row's start.
        const tail = tails.get(code.row);
        const laid = tail && layoutCode([gridRow(tail, lines, bounds)], region.cellWidth)[0];
        if (tail && laid) emit(tail, laid.text, 0);
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
 * The rows beyond a code region's first and last rows read that are worth a second look: one above, two below,
 * and every numbered one (a current-line border can hide a whole row from the detector).
 */
function edgeGaps(
  grid: readonly GridRow[],
  pitch: number | undefined,
  gutter: ReadonlyArray<{ y: number }>,
  height: number,
): number[] {
  const [first, last] = [grid[0]!.y, grid.at(-1)!.y];
  const edges = pitch ? [first - pitch, last + pitch, last + 2 * pitch] : [];
  const numbered = gutter
    .map((g) => g.y)
    .filter((y) => (y < first || y > last) && edges.every((e) => Math.abs(e - y) > height / 2));
  return [...edges, ...numbered];
}

/**
 * Decides which blocks are code and joins consecutive code blocks on one grid (blank lines split
 * code into blocks, but its indentation is measured from one left edge). Blocks too short to
 * tell ("}", "import (") join the code next to them.
 */
function joinCodeBlocks(
  blocks: Blocks,
  lines: readonly PlacedLine[],
  bounds: readonly Bounds[],
  mode: LayoutMode,
  gutter: number[],
): Region[] {
  const grid = (rows: number[][]): CharGrid | undefined => measureGrid(rows.map((row) => gridRow(row, lines, bounds)));
  const kind = (g: CharGrid | undefined): Kind => {
    if (g === undefined) return 'prose';
    const verdict = classifyGrid(g);
    if (mode === 'code') return 'code';
    return verdict === 'mono' ? 'code' : verdict === 'unknown' ? 'small' : 'prose';
  };
  const regions: Region[] = [];
  for (const block of blocks) {
    const box = block
      .flat()
      .map((k) => bounds[k]!)
      .reduce(unionBounds);
    const gridable = mode !== 'prose' && block.flat().every((k) => lines[k]!.runs);
    const own = gridable ? grid(block) : undefined;
    const current: Region = { blocks: [block], kind: kind(own), cellWidth: own?.cellWidth ?? 0, bounds: box, gutter };
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
          (last.kind !== 'code' ||
            current.kind !== 'code' ||
            Math.abs(current.cellWidth / last.cellWidth - 1) < SAME_CELL));
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

/**
 * Rows of code with what lies right of a floating box over them taken out: the tail of each row
 * (by the row's index) whose start shows left of the box.
 */
function splitAtOverlays(
  rows: number[][],
  bounds: readonly Bounds[],
  overlays: readonly Bounds[],
): { rows: number[][]; tails: Map<number, number[]> } {
  const tails = new Map<number, number[]>();
  const split = rows.map((row, i) => {
    const y = (Math.min(...row.map((k) => bounds[k]!.y0)) + Math.max(...row.map((k) => bounds[k]!.y1))) / 2;
    const start = Math.min(...row.map((k) => bounds[k]!.x0));
    const over = overlays.filter((o) => y >= o.y0 && y < o.y1 && o.x0 > start).sort((a, b) => a.x0 - b.x0)[0];
    if (!over) return row;
    const tail = row.filter((k) => bounds[k]!.x0 >= over.x1 - (bounds[k]!.y1 - bounds[k]!.y0) / 2);
    if (tail.length === 0 || tail.length === row.length) return row;
    tails.set(i, tail);
    return row.filter((k) => !tail.includes(k));
  });
  return { rows: split, tails };
}

/** The line without its first word (an icon read as characters), from its second word on. */
function withoutIcon(line: PlacedLine): PlacedLine {
  const [icon, ...words] = line.words ?? [];
  if (!icon || words.length === 0 || !line.text.startsWith(icon.text)) return line;
  const left = quadBounds(words[0]!.box).x0;
  const { runs, ...rest } = line;
  return {
    ...rest,
    text: line.text.slice(icon.text.length).trimStart(),
    words,
    box: boundsQuad({ ...quadBounds(line.box), x0: left }),
    ...(runs ? { runs: runs.filter((run) => run.x0 >= left - 1) } : {}),
  };
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
