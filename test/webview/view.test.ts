import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnswerStats, OcrResult } from '../../src/common/protocol.ts';
import type { PanelState } from '../../src/common/panel-protocol.ts';
import { layoutHtml } from '../../webview/layout.ts';
import { gridNote } from '../../webview/grid-note.ts';
import { bindOcrHighlight, renderImage, renderState, renderTurns } from '../../webview/view.ts';
import { freshDocument } from './dom.ts';

const panel = () => freshDocument(`<main id="app">${layoutHtml}</main>`);

const baseState = (extra: Partial<PanelState> = {}): PanelState => ({
  turns: [],
  busy: false,
  ocr: { status: 'idle' },
  ocrEnabled: true,
  ...extra,
});

const stats: AnswerStats = {
  providers: { vision: 'cpu', decoder: 'cpu' },
  grid: { rows: 2, cols: 3, tileSize: 448, views: 7 },
  visionMs: 1234,
  timeToFirstTokenMs: 2100,
  newTokens: 40,
  tokensPerSecond: 12.34,
  peakRssBytes: 1,
  stopReason: 'end',
};

const ocr: OcrResult = {
  lines: [
    {
      text: 'def f():',
      box: [
        [10, 10],
        [90, 10],
        [90, 30],
        [10, 30],
      ],
      confidence: 0.98,
      block: 0,
      indent: 0,
    },
    {
      text: 'return 1',
      box: [
        [30, 40],
        [110, 40],
        [110, 60],
        [30, 60],
      ],
      confidence: 0.9,
      block: 0,
      indent: 4,
    },
  ],
  text: 'def f():\n    return 1',
  layout: 'code',
  stats: { provider: 'cpu', detectMs: 10, recognizeMs: 20, totalMs: 30 },
};

test('the layout has every id, role and preset the end-to-end tests rely on', () => {
  const doc = panel();
  // Chat layout: the conversation is a log, the composer with the presets and the question box comes after it.
  assert.equal(doc.getElementById('answer')?.getAttribute('role'), 'log');
  assert.ok(
    doc.querySelector('#composer [data-preset]') &&
      doc.querySelector('#composer #question-input') &&
      doc.querySelector('#composer #ask-button'),
  );
  assert.equal(
    doc.querySelector('#drop-zone #image-details #image-frame')?.id,
    'image-frame',
    'the image folds away under its name',
  );
  for (const id of [
    'image-view',
    'tile-grid',
    'grid-note',
    'question-input',
    'ask-button',
    'cancel-button',
    'answer',
    'error',
    'tab-answer',
    'tab-ocr',
    'ocr-lines',
    'ocr-boxes',
    'ocr-copy-all',
    'ocr-insert',
    'ocr-open-document',
    'drop-zone',
  ]) {
    assert.equal(doc.querySelectorAll(`#${id}`).length, 1, `#${id}`);
  }
  assert.equal(doc.getElementById('error')?.getAttribute('role'), 'alert');
  assert.equal(doc.getElementById('image-view')?.tagName, 'IMG');
  assert.equal(doc.getElementById('question-input')?.tagName, 'TEXTAREA');
  assert.equal(doc.querySelector('label[for="question-input"]') !== null, true);
  assert.deepEqual(
    [...doc.querySelectorAll('[data-preset]')].map((b) => b.getAttribute('data-preset')),
    ['describe', 'explain-ui', 'describe-diagram', 'extract-text', 'alt-text'],
  );
});

test('the tile grid is drawn over the image with the runtime grid, and its note says what the model sees', () => {
  const doc = panel();
  renderImage(doc, { name: 'ui.png', dataUrl: 'data:image/png;base64,AAAA' });
  renderState(
    doc,
    baseState({ imageSize: { width: 1200, height: 600 }, grid: { rows: 2, cols: 3, tileSize: 448, views: 7 } }),
    true,
  );
  const grid = doc.getElementById('tile-grid')!;
  assert.equal(grid.getAttribute('viewBox'), '0 0 1200 600');
  const tiles = [...grid.querySelectorAll('.tile')].map((t) =>
    ['x', 'y', 'width', 'height'].map((a) => Number(t.getAttribute(a))),
  );
  assert.deepEqual(tiles, [
    [0, 0, 400, 300],
    [400, 0, 400, 300],
    [800, 0, 400, 300],
    [0, 300, 400, 300],
    [400, 300, 400, 300],
    [800, 300, 400, 300],
  ]);
  assert.equal(doc.getElementById('grid-summary')!.textContent, '2×3 tiles + thumbnail');
  assert.match(
    doc.getElementById('grid-detail')!.textContent ?? '',
    /2×3 tiles of 448 px plus a thumbnail \(7 views\)/,
  );
  assert.equal(doc.getElementById('grid-note')!.hasAttribute('open'), false, 'the details wait to be asked for');
  assert.equal(doc.getElementById('grid-warning')!.hidden, true);
  assert.equal(doc.getElementById('image-view')!.getAttribute('alt'), 'ui.png');
  assert.equal(doc.getElementById('image-frame')!.hidden, false);
  assert.equal(doc.getElementById('image-summary')!.textContent, 'ui.png');
});

test('a grid reduced a little is a quiet detail; a warning only when 12 px text would shrink below 8 px', () => {
  // The 720×340 code sample at tile size 112 needs 3×6 tiles; 16 allowed gives 3×5: shown at 78%, 12 px text stays 9.3 px.
  const mild = gridNote(
    { rows: 3, cols: 5, tileSize: 112, views: 16, limitedFrom: { rows: 3, cols: 6 } },
    { width: 720, height: 340 },
  );
  assert.equal(mild?.summary, '3×5 tiles + thumbnail');
  assert.match(mild?.detail ?? '', /needs 3×6 = 18 tiles.*at 78% of its size/);
  assert.equal(mild?.warning, undefined);
  // A 4K screenshot at 448 px tiles needs 5×9; within 16 tiles it is shown at 47%: 12 px text becomes 5.6 px.
  const strong = gridNote(
    { rows: 4, cols: 4, tileSize: 448, views: 17, limitedFrom: { rows: 5, cols: 9 } },
    { width: 3840, height: 2160 },
  );
  assert.match(strong?.warning ?? '', /Small text may be unreadable.*47%.*5\.6 px.*Crop.*infimmHd\.maxTiles to 45/);
  // Past the setting's limit only cropping helps.
  const huge = gridNote(
    { rows: 8, cols: 8, tileSize: 112, views: 65, limitedFrom: { rows: 30, cols: 40 } },
    { width: 4480, height: 3360 },
  );
  assert.doesNotMatch(huge?.warning ?? '', /maxTiles/);
  assert.match(huge?.warning ?? '', /Crop the image/);
  assert.equal(gridNote(undefined, undefined), undefined);
});

test('the grid warning shows in the panel only when there is one', () => {
  const doc = panel();
  renderState(
    doc,
    baseState({
      imageSize: { width: 3840, height: 2160 },
      grid: { rows: 4, cols: 4, tileSize: 448, views: 17, limitedFrom: { rows: 5, cols: 9 } },
    }),
    true,
  );
  assert.equal(doc.getElementById('grid-warning')!.hidden, false);
  assert.match(doc.getElementById('grid-summary')!.getAttribute('title') ?? '', /needs 5×9/);
  renderState(doc, baseState(), false);
  assert.equal(doc.getElementById('grid-note')!.hidden, true);
  assert.equal(doc.getElementById('grid-warning')!.hidden, true);
});

test('turns render the question, the Markdown answer and the stats line; streaming updates in place', () => {
  const doc = panel();
  const state = baseState({
    busy: true,
    turns: [
      { id: 'a', question: 'Describe', answer: 'A **form**.', status: 'done', stats },
      { id: 'b', question: 'And <the> button?', answer: '', status: 'waiting' },
    ],
  });
  renderState(doc, state, true);
  const turns = doc.querySelectorAll('#answer .turn');
  assert.equal(turns.length, 2);
  assert.equal(turns[0]!.querySelector('.answer-text strong')?.textContent, 'form');
  // 2100 ms to the first token, then 40 tokens at 12.34 tokens/s.
  assert.equal(turns[0]!.querySelector('.stats summary')?.textContent, '5.3 s · cpu');
  assert.equal(
    turns[0]!.querySelector('.stats details')?.hasAttribute('open'),
    false,
    'the details wait to be asked for',
  );
  assert.equal(
    turns[0]!.querySelector('.stats .stats-detail')?.textContent,
    'cpu · grid 2×3, 7 views · vision 1234 ms · first token 2100 ms · 12.3 tokens/s · 40 tokens',
  );
  assert.equal(
    turns[0]!.querySelector('.stats summary')?.getAttribute('title'),
    'cpu · grid 2×3, 7 views · vision 1234 ms · first token 2100 ms · 12.3 tokens/s · 40 tokens',
  );
  const copy = turns[0]!.querySelector('[data-action="copy-answer"]');
  assert.equal(copy?.getAttribute('appearance'), 'icon', 'a small copy icon, not a wide button');
  assert.equal(copy?.getAttribute('aria-label'), 'Copy answer');
  assert.equal(turns[1]!.querySelector('.question')?.textContent, 'And <the> button?');
  assert.equal(turns[1]!.getAttribute('aria-busy'), 'true');

  const first = turns[0];
  state.turns[1]!.answer = 'It **saves**';
  state.turns[1]!.status = 'streaming';
  renderTurns(doc, state);
  const after = doc.querySelectorAll('#answer .turn');
  assert.equal(after[0], first, 'finished turns are kept, not rebuilt');
  assert.equal(after[1]!.querySelector('.answer-text')?.textContent?.trim(), 'It saves');
});

test('busy state: Ask and presets disabled, Cancel enabled; idle: the reverse', () => {
  const doc = panel();
  renderState(doc, baseState({ busy: true, progress: 'Encoding the image…' }), true);
  assert.equal(doc.getElementById('ask-button')!.hasAttribute('disabled'), true);
  assert.equal(doc.getElementById('cancel-button')!.hasAttribute('disabled'), false);
  assert.equal(doc.querySelector('[data-preset="describe"]')!.hasAttribute('disabled'), true);
  assert.equal(doc.getElementById('progress')!.textContent, 'Encoding the image…');
  renderState(doc, baseState(), true);
  assert.equal(doc.getElementById('ask-button')!.hasAttribute('disabled'), false);
  assert.equal(doc.getElementById('cancel-button')!.hasAttribute('disabled'), true);
  renderState(doc, baseState(), false);
  assert.equal(
    doc.getElementById('ask-button')!.hasAttribute('disabled'),
    true,
    'nothing to ask about without an image',
  );
});

test('errors show in the alert box with the next step, and clear', () => {
  const doc = panel();
  renderState(doc, baseState({ error: { message: 'photo.png was not found.', hint: 'Pick the file again.' } }), true);
  const box = doc.getElementById('error')!;
  assert.equal(box.hidden, false);
  assert.equal(doc.getElementById('error-message')!.textContent, 'photo.png was not found.');
  assert.equal(doc.getElementById('error-hint')!.textContent, 'Pick the file again.');
  renderState(doc, baseState(), true);
  assert.equal(box.hidden, true);
});

test('a failed or cancelled turn keeps its partial answer; a failure shows its error inside the turn', () => {
  const doc = panel();
  const failed = {
    id: 'b',
    question: 'q2',
    answer: '',
    status: 'failed' as const,
    error: { message: 'The runtime stopped.', hint: 'Ask again.' },
  };
  renderState(
    doc,
    baseState({ turns: [{ id: 'a', question: 'q', answer: 'Partial', status: 'cancelled' }, failed] }),
    true,
  );
  const turns = doc.querySelectorAll('.turn');
  assert.equal(turns[0]!.querySelector('.answer-text')?.textContent?.trim(), 'Partial');
  assert.equal(turns[0]!.querySelector('.stats')?.textContent, 'Cancelled.');
  assert.equal(turns[0]!.querySelector<HTMLElement>('.turn-error')!.hidden, true);
  const error = turns[1]!.querySelector<HTMLElement>('.turn-error')!;
  assert.deepEqual(
    [error.hidden, error.getAttribute('role'), error.textContent],
    [false, 'alert', 'The runtime stopped. Ask again.'],
  );
  assert.equal(doc.getElementById('error')!.hidden, true);
});

test('an image the runtime cannot read: Ask and presets disabled, and no "cannot display" note', () => {
  const doc = panel();
  renderImage(doc, { name: 'broken.png', dataUrl: 'data:image/png;base64,AAAA' });
  renderState(
    doc,
    baseState({ imageName: 'broken.png', imageUnreadable: true, error: { message: 'broken.png could not be read.' } }),
    true,
  );
  assert.equal(doc.getElementById('ask-button')!.hasAttribute('disabled'), true);
  assert.equal(doc.querySelector('[data-preset="describe"]')!.hasAttribute('disabled'), true);
  assert.equal(doc.getElementById('image-frame')!.classList.contains('unreadable'), true);
  renderState(doc, baseState({ imageName: 'fine.png' }), true);
  assert.equal(doc.getElementById('ask-button')!.hasAttribute('disabled'), false);
  assert.equal(doc.getElementById('image-frame')!.classList.contains('unreadable'), false);
});

test('"Insert as Alt Text" appears only for images from a Markdown link', () => {
  const doc = panel();
  const turns = [{ id: 'a', question: 'q', answer: 'A chart', status: 'done' as const, stats }];
  renderState(doc, baseState({ turns }), true);
  assert.equal(doc.querySelector('[data-action="insert-alt"]'), null);
  assert.ok(doc.querySelector('[data-action="copy-answer"]'));
  renderState(doc, baseState({ turns, altTextTarget: 'the image link to a.png' }), true);
  assert.match(doc.querySelector('[data-action="insert-alt"]')?.getAttribute('title') ?? '', /a\.png/);
});

test('OCR: lines with indentation, one box per line, and hover linking both ways', () => {
  const doc = panel();
  bindOcrHighlight(doc);
  renderState(doc, baseState({ imageSize: { width: 200, height: 100 }, ocr: { status: 'done', result: ocr } }), true);
  const lines = doc.querySelectorAll('#ocr-lines .ocr-line');
  const boxes = doc.querySelectorAll('#ocr-boxes .ocr-box');
  assert.deepEqual(
    [...lines].map((l) => l.textContent),
    ['def f():', '    return 1'],
  );
  assert.equal(boxes.length, 2);
  assert.equal(boxes[1]!.getAttribute('points'), '30,40 110,40 110,60 30,60');
  assert.equal(doc.getElementById('ocr-boxes')!.getAttribute('viewBox'), '0 0 200 100');
  for (const id of ['ocr-copy-all', 'ocr-insert', 'ocr-open-document'])
    assert.equal(doc.getElementById(id)!.hasAttribute('disabled'), false);
  assert.match(doc.getElementById('ocr-status')!.textContent ?? '', /2 lines, code layout/);

  const window = doc.defaultView!;
  lines[1]!.dispatchEvent(new window.MouseEvent('mouseover', { bubbles: true }));
  assert.deepEqual(
    [...boxes].map((b) => b.classList.contains('highlight')),
    [false, true],
  );
  boxes[0]!.dispatchEvent(new window.MouseEvent('mouseover', { bubbles: true }));
  assert.deepEqual(
    [...lines].map((l) => l.classList.contains('highlight')),
    [true, false],
  );
  lines[1]!.dispatchEvent(new window.FocusEvent('focusin', { bubbles: true }));
  assert.deepEqual(
    [...boxes].map((b) => b.classList.contains('highlight')),
    [false, true],
    'keyboard focus highlights too',
  );
});

test('OCR status explains an empty, disabled or missing result', () => {
  const doc = panel();
  renderState(doc, baseState({ ocrEnabled: false }), true);
  assert.match(doc.getElementById('ocr-status')!.textContent ?? '', /turned off.*infimmHd\.ocr\.enabled/);
  renderState(doc, baseState({ ocr: { status: 'done', result: { ...ocr, lines: [], text: '' } } }), true);
  assert.equal(doc.getElementById('ocr-status')!.textContent, 'No text found.');
  assert.equal(doc.getElementById('ocr-copy-all')!.hasAttribute('disabled'), true);
  renderState(doc, baseState({ ocr: { status: 'running' } }), true);
  assert.match(doc.getElementById('ocr-status')!.textContent ?? '', /Reading/);
});

test('clearing the image hides the frame and shows the drop hint', () => {
  const doc = panel();
  renderImage(doc, { name: 'a.png', dataUrl: 'data:image/png;base64,AAAA' });
  renderImage(doc, null);
  assert.equal(doc.getElementById('image-frame')!.hidden, true);
  assert.equal(doc.getElementById('image-placeholder')!.hidden, false);
  assert.equal(doc.getElementById('image-view')!.hasAttribute('src'), false);
});

test('after the image changed, a note says whether the conversation is new or resumed', () => {
  const doc = panel();
  renderState(doc, baseState({ conversationNote: 'New image, new conversation.' }), true);
  const note = doc.getElementById('conversation-note')!;
  assert.deepEqual(
    [note.hidden, note.textContent, note.getAttribute('role')],
    [false, 'New image, new conversation.', 'status'],
  );
  renderState(doc, baseState(), true);
  assert.equal(note.hidden, true);
});
