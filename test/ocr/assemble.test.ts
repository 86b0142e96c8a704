import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assemble, type PlacedLine } from '../../src/ocr/assemble.ts';
import { boundsQuad, quadBounds } from '../../src/ocr/geometry.ts';
import { paintScreen } from '../support/paint.ts';

const CELL = 8.4;
const PITCH = 19;

/** A line read at `col` columns right of x0 on row `row`: one run of ink per character, as in monospaced text. */
function read(text: string, x0: number, col: number, row: number): PlacedLine {
  const y0 = 90 + row * PITCH;
  const runs = [...text].flatMap((ch, i) => {
    const centre = x0 + (col + i + 0.5) * CELL;
    return ch === ' '
      ? []
      : [{ x0: centre - 3 + (i % 3) * 0.3, x1: centre + 3, text: ch, centers: [centre + ((i % 2) - 0.5)] }];
  });
  const box = boundsQuad({ x0: runs[0]!.x0 - 3, x1: runs.at(-1)!.x1 + 3, y0, y1: y0 + 17 });
  const words = [...text.matchAll(/\S+/g)].map((m) => ({
    text: m[0],
    box: boundsQuad({
      x0: x0 + (col + m.index) * CELL,
      x1: x0 + (col + m.index + m[0].length) * CELL,
      y0,
      y1: y0 + 17,
    }),
    confidence: 0.95,
  }));
  return { box, text, confidence: 0.95, runs, words };
}

/** A right-aligned line number ending at x = right. */
function number(n: number, right: number, row: number): PlacedLine {
  const digits = String(n);
  return read(digits, right - 3 - digits.length * CELL, 0, row);
}

/** A line of proportional text on row `row`: one run per word, narrow and wide letters as in a UI font. */
function proportional(text: string, x0: number, row: number): PlacedLine {
  const y0 = 90 + row * PITCH;
  const widths = [...text].map((ch) =>
    'iltf '.includes(ch) ? 3.5 : 'mwMW'.includes(ch) ? 11 : ch === ch.toUpperCase() ? 9 : 7,
  );
  const starts = widths.map((_, i) => x0 + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const runs = text.split(' ').map((word, w, words) => {
    const first = words.slice(0, w).join(' ').length + (w > 0 ? 1 : 0);
    const last = first + word.length - 1;
    return {
      x0: starts[first]!,
      x1: starts[last]! + widths[last]!,
      text: word,
      centers: [...word].map((_, i) => starts[first + i]! + widths[first + i]! / 2),
    };
  });
  const words = runs.map((r) => ({
    text: r.text,
    box: boundsQuad({ x0: r.x0, x1: r.x1, y0, y1: y0 + 17 }),
    confidence: 0.95,
  }));
  return {
    box: boundsQuad({ x0: x0 - 3, x1: runs.at(-1)!.x1 + 3, y0, y1: y0 + 17 }),
    text,
    confidence: 0.95,
    runs,
    words,
  };
}

const CODE = ['  if (ready) {', '    return value + 1;', '  }', '  const next = value * 2;'];

test('the line-number gutter is reported beside the code, and indentation counts from the code column', () => {
  // VS Code draws column 0 about 2.75 cells right of the numbers' boxes; here no line starts there.
  const codeLeft = 95 + 2.75 * CELL;
  const lines = CODE.flatMap((line, row) => [
    number(98 + row, 95, row),
    read(line.trimStart(), codeLeft, line.length - line.trimStart().length, row),
  ]);
  // Breadcrumbs above the first numbered row, starting over the gutter.
  lines.push(read('src > app.ts > ready', 20, 0, -1));
  const result = assemble(lines, 'auto');
  const code = result.lines.filter((l) => l.lineNumber !== undefined);
  assert.deepEqual(
    code.map((l) => [l.lineNumber, l.indent, l.text]),
    CODE.map((line, row) => [98 + row, line.length - line.trimStart().length, line.trimStart()]),
  );
  assert.equal(result.text, ['src > app.ts > ready', ...CODE].join('\n'));
});

test('numbers beside no code are text, not a gutter', () => {
  const lines = [1, 2, 3].flatMap((n, row) => [
    number(n, 40, row),
    { ...read('x', 60, 0, row), text: ['Alice Martin', 'Bob Stone', 'Carol Reyes'][row]!, runs: [] },
  ]);
  const result = assemble(lines, 'prose');
  assert.ok(result.lines.every((l) => l.lineNumber === undefined));
  assert.match(result.text, /1/);
});

test('two editors side by side are never joined into one line per row', () => {
  const width = 800;
  const height = 200;
  // The border between the two editor groups.
  const image = paintScreen(width, height, [31, 31, 31], [[{ x0: 400, y0: 0, x1: 401, y1: height }, [60, 60, 60]]]);
  const left = ['const a = 1;', 'const b = a + 2;', 'export { a, b };', 'console.log(b);'];
  const right = ['name: build', 'on: push', 'jobs: test', 'runs-on: linux'];
  const lines = [...left.map((t, row) => read(t, 40, 0, row - 3)), ...right.map((t, row) => read(t, 440, 0, row - 3))];
  const result = assemble(lines, 'auto', { image, area: { x0: 0, y0: 0, x1: width, y1: height } });
  assert.equal(result.text, [...left, ...right].join('\n'));
  // Without the screen's borders, rows that line up across the narrow gap read as one.
  assert.notEqual(assemble(lines, 'auto').text, result.text);
});

test('file names in a side bar are not glued to the code rows beside them', () => {
  const width = 700;
  const height = 200;
  // The side bar's own background, a little darker than the editor's.
  const image = paintScreen(width, height, [31, 31, 31], [[{ x0: 0, y0: 0, x1: 200, y1: height }, [24, 24, 24]]]);
  const files = ['backend.ts', 'config.yaml', 'README.md', 'index.ts'];
  const code = ['type Options = {', '  verbose: boolean;', '  depth: number;', '};'];
  const codeLeft = 260 + 2.75 * CELL;
  const lines = [
    ...files.map((t, row) => read(t, 16, 0, row - 3)),
    ...code.flatMap((t, row) => [
      number(90 + row, 260, row - 3),
      read(t.trimStart(), codeLeft, t.length - t.trimStart().length, row - 3),
    ]),
  ];
  const result = assemble(lines, 'auto', { image, area: { x0: 0, y0: 0, x1: width, y1: height } });
  assert.equal(result.text, [...files, ...code].join('\n'));
  assert.deepEqual(
    result.lines.flatMap((l) => (l.lineNumber === undefined ? [] : [l.lineNumber])),
    [90, 91, 92, 93],
  );
  assert.notEqual(assemble(lines, 'auto').text, result.text);
});

test('icons read as characters in an icon bar are dropped; text beside it, and a badge read cleanly, stay', () => {
  const width = 700;
  const height = 200;
  // An activity bar 48 pixels wide on its own background.
  const image = paintScreen(width, height, [31, 31, 31], [[{ x0: 0, y0: 0, x1: 48, y1: height }, [24, 24, 24]]]);
  const icon = (text: string, y0: number, confidence: number): PlacedLine => ({
    box: boundsQuad({ x0: 14, x1: 34, y0, y1: y0 + 16 }),
    text,
    confidence,
  });
  const files = ['backend.ts', 'config.yaml', 'README.md'];
  const lines = [
    icon('=', 20, 0.56),
    icon('R9', 68, 0.92),
    icon('3', 116, 0.99),
    ...files.map((t, row) => read(t, 80, 0, row - 3)),
  ];
  const screen = { image, area: { x0: 0, y0: 0, x1: width, y1: height } };
  assert.equal(assemble(lines, 'auto', screen).text, ['3', ...files].join('\n'));
  // The same short squarish reads beside real text in one region are kept: "}" and "OK" are text.
  const short = [
    { ...icon('}', 20, 0.6), box: boundsQuad({ x0: 80, x1: 88, y0: 20, y1: 36 }) },
    ...files.map((t, row) => read(t, 80, 0, row)),
  ];
  assert.match(assemble(short, 'auto', screen).text, /^\}/);
});

test('code rows that a floating box hides in the middle give a line on each side of it, and the box its own lines', () => {
  const width = 800;
  const height = 300;
  // The command palette: its border, its background, drawn over the editor's rows 0–3.
  const box = { x0: 240, y0: 60, x1: 560, y1: 170 };
  const image = paintScreen(
    width,
    height,
    [31, 31, 31],
    [
      [{ x0: box.x0 - 1, y0: box.y0 - 1, x1: box.x1 + 1, y1: box.y1 + 1 }, [49, 49, 49]],
      [box, [34, 34, 34]],
    ],
  );
  const codeLeft = 95 + 2.75 * CELL;
  const rows = ['// The recogn', '  const ready', '  return val', 'export const'];
  const tails = ['izer reads lines', 'ue + 1;', 'x = 2;', 'VERTICAL = 3;'];
  const lines = rows.flatMap((text, row) => [
    number(1 + row, 95, row),
    read(text.trimStart(), codeLeft, text.length - text.trimStart().length, row),
    read(tails[row]!, 580, 0, row),
  ]);
  // Below the box, whole rows.
  lines.push(number(5, 95, 5), read('}', codeLeft, 0, 5), number(6, 95, 6), read('const next = 2;', codeLeft, 0, 6));
  const commands = ['Add Cursor Above', 'Add Cursor Below', 'Add Line Comment'];
  lines.push(...commands.map((text, row) => proportional(text, 260, row - 1)));
  const result = assemble(lines, 'auto', { image, area: { x0: 0, y0: 0, x1: width, y1: height } });
  const code = result.lines.filter((l) => l.indent !== undefined);
  assert.deepEqual(
    code.map((l) => [l.text, l.indent, l.lineNumber]),
    [
      ...rows.flatMap((text, row) => [
        [text.trimStart(), text.length - text.trimStart().length, 1 + row],
        [tails[row], 0, undefined],
      ]),
      ['}', 0, 5],
      ['const next = 2;', 0, 6],
    ],
  );
  assert.deepEqual(
    result.lines.filter((l) => l.indent === undefined).map((l) => l.text),
    commands,
  );
});

test("a tree's twisties and file icons, read as characters before its labels, are dropped; short first words of text stay", () => {
  const width = 800;
  const height = 300;
  const image = paintScreen(width, height, [31, 31, 31], [[{ x0: 0, y0: 0, x1: 250, y1: height }, [24, 24, 24]]]);
  // Twisties end at x = 27–29 and their labels start at 37; file icons under a folder end at 50, labels at 59.
  const tree = [
    ['>', 'bench', 20],
    ['>', 'docs', 20],
    ['V', 'src', 18],
    ['TS', 'assemble.ts', 32],
    ['TS', 'regions.ts', 32],
    ['{}', 'package.json', 32],
    ['>', 'test', 20],
  ] as const;
  const rows = tree.map(([icon, label, x], row) => {
    const line = proportional(`${icon} ${label}`, x, row);
    const [first, second] = line.runs!;
    const shift = (icon.length === 1 ? 37 : 59) - second!.x0;
    // The label starts a label column (an icon's width and a gap of ~0.45 text heights after it).
    const runs = [
      first!,
      { ...second!, x0: second!.x0 + shift, x1: second!.x1 + shift, centers: second!.centers.map((c) => c + shift) },
    ];
    const words = runs.map((r) => ({
      text: r.text,
      box: boundsQuad({ x0: r.x0, x1: r.x1, y0: 90 + row * PITCH, y1: 107 + row * PITCH }),
      confidence: 0.95,
    }));
    return {
      ...line,
      runs,
      words,
      box: boundsQuad({ x0: x - 3, x1: runs[1]!.x1 + 3, y0: 90 + row * PITCH, y1: 107 + row * PITCH }),
    };
  });
  // Text in another pane whose rows start with a short word at one place: word gaps are narrower than an icon's.
  const text = ['Go to Line', 'Go to File', 'Go to Symbol', 'Go to Bracket'].map((t, row) => proportional(t, 300, row));
  const result = assemble([...rows, ...text], 'auto', { image, area: { x0: 0, y0: 0, x1: width, y1: height } });
  assert.deepEqual(
    result.lines.map((l) => l.text),
    [...tree.map(([, label]) => label), ...text.map((l) => l.text)],
  );
  // Code without a gutter (a terminal) has short first words in a column too, a space apart: it is on a character grid.
  const code = ['if x:', 'if y:', '# z', 'if w:', '# v'].map((t, row) => read(t, 300, 0, row));
  const shell = assemble([...rows, ...code], 'auto', { image, area: { x0: 0, y0: 0, x1: width, y1: height } });
  assert.deepEqual(
    shell.lines.slice(tree.length).map((l) => l.text),
    code.map((l) => l.text),
  );
  const bench = quadBounds(result.lines[0]!.box);
  assert.equal(bench.x0, 37);
});
