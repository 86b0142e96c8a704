// The real-screenshot OCR set's ground truth and metrics: what the DOM reader counts as visible text
// (on a small page built like the workbench: an editor with a gutter, a clipped pane, an overlay, form fields),
// and how the scores treat a gutter number in the text, a line joined across panes, and word bags.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { cappedCer, codeScore, f1, lineNumberScore, wordScore, type ReadLine } from '../../bench/ocr-editor-metrics.ts';
import { readScreenTruth, type TruthLine, type TruthRegion } from '../../harness/vscode/screen-truth.ts';
import { CHROMIUM } from '../../harness/vscode/workbench.ts';
import { hasProgram, requireOrSkip } from '../../harness/requirements.ts';

const row = (top: number, number: number, code: string): string =>
  `<div class="line-numbers" style="position:absolute;top:${top}px;left:0;width:30px;text-align:right">${number}</div>` +
  `<div class="view-line" style="position:absolute;top:${top}px;left:40px">${code}</div>`;
const nbsp = (s: string): string => s.replace(/ /g, '&nbsp;');

const PAGE = `<!doctype html><body style="margin:0;font:16px/20px monospace;background:#fff;color:#000">
  <div class="part sidebar" style="position:absolute;left:0;top:0;width:150px;height:300px;overflow:hidden">
    <div style="white-space:nowrap">engine.ts</div>
    <div id="long" style="white-space:nowrap">a_file_name_far_too_long_for_the_side_bar.ts</div>
    <div style="text-transform:uppercase">Explorer</div>
    <div style="text-transform:capitalize">open <b>ed</b>itors</div>
    <div style="text-transform:lowercase">README.md</div>
    <div style="display:none">hidden.ts</div>
    <div style="color:transparent">transparent.ts</div>
    <input value="off" style="width:100px"><input placeholder="Search" style="width:100px"><input type="checkbox">
  </div>
  <div class="editor-group-container" style="position:absolute;left:160px;top:0;width:440px;height:300px">
    <div class="monaco-editor" style="position:relative;height:300px;overflow:hidden">
      ${row(0, 9, `<span>${nbsp('def f(x):')}</span>`)}
      ${row(20, 10, `<span>${nbsp('    return x')}</span><span id="covered">${nbsp('  # hidden')}</span><span>${nbsp('  more')}</span>`)}
      ${row(40, 11, '<span>pass</span>')}
    </div>
  </div>
  <div class="quick-input-widget" style="position:absolute;background:#eee">Go</div>
  <script>
    // The palette covers exactly the middle of the second row, whatever the font's width.
    const r = document.getElementById('covered').getBoundingClientRect();
    Object.assign(document.querySelector('.quick-input-widget').style, { left: r.left + 'px', top: r.top + 'px', width: r.width + 'px', height: r.height + 'px' });
  </script>
</body>`;

describe('DOM truth', () => {
  let browser: Browser | undefined;
  before(async () => {
    if (hasProgram(CHROMIUM))
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
  });

  test('keeps what is shown: code with its spaces and gutter number, text as transformed by CSS, not what is clipped, hidden or covered', async (t) => {
    if (!requireOrSkip(t, browser !== undefined, `Chromium at ${CHROMIUM}`)) return;
    const page = await browser!.newPage({ viewport: { width: 640, height: 320 }, deviceScaleFactor: 2 });
    await page.setContent(PAGE);
    const truth = await readScreenTruth(page, 2);
    const texts = truth.lines.map((l) => [l.kind, l.region, l.text, l.lineNumber]);
    // The side bar clips the long name at 150 px: the characters past it are not in the picture.
    const clipped = texts[1]![2] as string;
    assert.ok(
      'a_file_name_far_too_long_for_the_side_bar.ts'.startsWith(clipped) && clipped.length > 5 && clipped.length < 20,
      clipped,
    );
    assert.deepEqual(texts, [
      ['ui', 'sidebar', 'engine.ts', undefined],
      ['ui', 'sidebar', clipped, undefined],
      // Text as CSS text-transform paints it, not as the DOM holds it.
      ['ui', 'sidebar', 'EXPLORER', undefined],
      ['ui', 'sidebar', 'Open Editors', undefined],
      ['ui', 'sidebar', 'readme.md', undefined],
      ['lineNumber', 'editor-1', '9', 9],
      ['code', 'editor-1', 'def f(x):', 9],
      ['lineNumber', 'editor-1', '10', 10],
      // The palette hides the middle of this row: the visible ends are separate lines, and only the
      // row's start keeps its indentation.
      ['code', 'editor-1', '    return x', 10],
      ['code', 'editor-1', 'more', 10],
      ['lineNumber', 'editor-1', '11', 11],
      ['code', 'editor-1', 'pass', 11],
      ['ui', 'quickInput', 'Go', undefined],
      // A field's value and an empty field's placeholder, drawn without text nodes.
      ['ui', 'sidebar', 'off', undefined],
      ['ui', 'sidebar', 'Search', undefined],
    ]);
    // Boxes in image pixels (device scale 2); a code row's box starts at its column 0, spaces included.
    const indented = truth.lines.find((l) => l.text === '    return x')!;
    assert.equal(indented.box[0], 400);
    assert.ok(Math.abs(indented.box[1] + indented.box[3] / 2 - 60) <= 2, `row centre ${indented.box}`);
    assert.ok(truth.lines[1]!.box[0] + truth.lines[1]!.box[2] <= 300, `${truth.lines[1]!.box}`);
    assert.deepEqual(truth.regions.find((r) => r.name === 'editor-1')?.box, [320, 0, 880, 600]);
    await page.close();
  });
});

const truthLine = (
  text: string,
  box: TruthLine['box'],
  kind: TruthLine['kind'],
  region: string,
  lineNumber?: number,
): TruthLine => ({
  text,
  box,
  kind,
  region,
  ...(lineNumber === undefined ? {} : { lineNumber }),
});

// Two editors side by side, each with one gutter number and one code row.
const REGIONS: TruthRegion[] = [
  { name: 'editor-1', box: [0, 0, 400, 100] },
  { name: 'editor-2', box: [400, 0, 400, 100] },
];
const TRUTH: TruthLine[] = [
  truthLine('102', [10, 10, 30, 20], 'lineNumber', 'editor-1', 102),
  truthLine('  class HelpFormatter:', [60, 10, 220, 20], 'code', 'editor-1', 102),
  truthLine('7', [420, 10, 10, 20], 'lineNumber', 'editor-2', 7),
  truthLine('shell: bash', [460, 10, 110, 20], 'code', 'editor-2', 7),
];
/** The truth as text, pane by pane, whitespace collapsed. */
const REF_CHARS = '102 class HelpFormatter:'.length + '7 shell: bash'.length;

describe('metrics', () => {
  test('a gutter number in the code text is a code error and no indentation, but its number was read', () => {
    const glued: ReadLine[] = [
      { text: '102   class HelpFormatter:', box: [10, 10, 270, 20] },
      { text: '7   shell: bash', box: [420, 10, 150, 20] },
    ];
    const code = codeScore(TRUTH, glued);
    assert.equal(code.rows, 2);
    assert.equal(code.chars, 22 + 11);
    assert.equal(code.edits, 4 + 4); // "102   " for "  ", "7   " for nothing
    assert.equal(code.indentExact, 0);
    assert.deepEqual(lineNumberScore(TRUTH, glued), { correct: 2, rows: 2 });
  });

  test('a line number given as a field counts; code text and indentation are exact without it', () => {
    const structured: ReadLine[] = [
      { text: '  class HelpFormatter:', box: [60, 10, 220, 20], lineNumber: 102 },
      { text: 'shell: bash', box: [460, 10, 110, 20], lineNumber: 8 },
    ];
    assert.deepEqual(codeScore(TRUTH, structured), { edits: 0, chars: 33, indentExact: 2, rows: 2 });
    assert.deepEqual(lineNumberScore(TRUTH, structured), { correct: 1, rows: 2 });
    assert.equal(cappedCer(TRUTH, REGIONS, structured), 1 / REF_CHARS);
  });

  test('a row that a floating box cuts in two is one line: its number counts once, given on either piece', () => {
    const cut: TruthLine[] = [
      truthLine('1', [10, 10, 10, 20], 'lineNumber', 'editor-1', 1),
      truthLine('// Text re', [60, 10, 80, 20], 'code', 'editor-1', 1),
      truthLine('ed upright', [300, 10, 80, 20], 'code', 'editor-1', 1),
    ];
    const pieces: ReadLine[] = [
      { text: '// Text re', box: [60, 10, 80, 20], lineNumber: 1 },
      { text: 'ed upright', box: [300, 10, 80, 20] },
    ];
    assert.deepEqual(lineNumberScore(cut, pieces), { correct: 1, rows: 1 });
    assert.deepEqual(lineNumberScore(cut, pieces.slice(1)), { correct: 0, rows: 1 });
  });

  test('capped CER lays text out pane by pane: a row joined across two editors costs twice, and the cap is 1', () => {
    const split: ReadLine[] = [
      { text: '102', box: [10, 10, 30, 20] },
      { text: 'class HelpFormatter:', box: [80, 10, 200, 20] },
      { text: '7 shell: bash', box: [420, 10, 150, 20] },
    ];
    assert.equal(cappedCer(TRUTH, REGIONS, split), 0);
    const joined: ReadLine[] = [{ text: '102 class HelpFormatter: 7 shell: bash', box: [10, 10, 560, 20] }];
    assert.equal(cappedCer(TRUTH, REGIONS, joined), (' 7 shell: bash'.length + '7 shell: bash'.length) / REF_CHARS);
    assert.equal(cappedCer(TRUTH, REGIONS, [{ text: 'x'.repeat(200), box: [0, 0, 10, 10] }]), 1);
  });

  test('word F1 is over multisets of words', () => {
    const words = wordScore(TRUTH, [{ text: 'class class bash', box: [0, 0, 1, 1] }]);
    assert.deepEqual(words, { matched: 2, read: 3, truth: 6 });
    assert.equal(f1(words), 4 / 9);
  });
});
