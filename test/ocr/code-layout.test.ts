import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyGrid, type GridRow, type GridRun, layoutCode, measureGrid } from '../../src/ocr/code-layout.ts';

const CELL = 8.43;

/** A row of monospaced text at `indent` columns, as runs of ink: one run per character, spaces skipped. */
function monoRow(text: string, indent: number, row: number, origin = 31.2): GridRow {
  const runs: GridRun[] = [];
  [...(' '.repeat(indent) + text)].forEach((ch, col) => {
    if (ch === ' ') return;
    const centre = origin + (col + 0.5) * CELL;
    // Glyph ink is narrower than the cell and not always centred in it.
    const half = ch === '.' || ch === 'i' ? 1 : 3;
    runs.push({
      x0: centre - half + (col % 3) * 0.3,
      x1: centre + half,
      text: ch,
      centers: [centre + ((col % 2) - 0.5) * 1.5],
    });
  });
  return { runs, y: 20 + row * 19.6, height: 17 };
}

const CODE = ['function f(x) {', '  if (x.ok) {', '    return x.value + 1;', '  }', '', '  return 0;', '}'];

function codeRows(): GridRow[] {
  return CODE.flatMap((line, row) =>
    line ? [monoRow(line.trimStart(), line.length - line.trimStart().length, row)] : [],
  );
}

test('the character grid of monospaced text is measured to a fraction of a pixel', () => {
  const grid = measureGrid(codeRows());
  assert.ok(grid);
  assert.ok(Math.abs(grid.cellWidth - CELL) < 0.1, `cell ${grid.cellWidth}`);
  assert.equal(classifyGrid(grid), 'mono');
});

test('code is rebuilt with its indentation, the spaces inside lines and its blank line', () => {
  const lines = layoutCode(codeRows(), measureGrid(codeRows())!.cellWidth);
  assert.deepEqual(
    lines.map((l) => ' '.repeat(l.indent) + l.text),
    CODE,
  );
  assert.equal(lines[4]!.row, undefined, 'the blank line has no row');
});

test('proportional text does not sit on a grid', () => {
  // Word runs whose widths do not follow their letter counts.
  const widths = [23, 41, 12, 37, 19, 52, 8, 30, 27, 44];
  const words = ['Hello', 'wonderful', 'il', 'maximum', 'tiny', 'WWWWWWW', 'i', 'jumps', 'overt', 'mmmmm'];
  const rows: GridRow[] = [0, 1].map((r) => {
    let x = 10;
    const runs = words.map((w, i) => {
      const run = {
        x0: x,
        x1: x + widths[i]!,
        text: w,
        centers: [...w].map((_, k) => x + ((k + 0.5) * widths[i]!) / w.length),
      };
      x += widths[i]! + 5 + r;
      return run;
    });
    return { runs, y: 20 + r * 20, height: 18 };
  });
  assert.equal(classifyGrid(measureGrid(rows)), 'proportional');
});

test('a single short line is too little to tell', () => {
  assert.equal(classifyGrid(measureGrid([monoRow('}', 0, 0)])), 'unknown');
});
