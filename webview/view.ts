// Draws the panel state into the DOM built from layout.ts. No messaging here: main.ts wires events.
import type { OcrLine, TileGrid } from '../src/common/protocol.ts';
import type { PanelError, PanelImage, PanelModel, PanelState, Turn } from '../src/common/panel-protocol.ts';
import { gridNote, type GridNote } from './grid-note.ts';
import { renderMarkdown } from './markdown.ts';
import { modelHeader } from './model-header.ts';
import { compactStats, formatStats } from './stats.ts';
import { buttonHtml, iconButtonHtml, setDisabled } from './toolkit.ts';

const SVG = 'http://www.w3.org/2000/svg';

export function byId<T extends Element = HTMLElement>(doc: Document, id: string): T {
  const element = doc.getElementById(id);
  if (element === null) throw new Error(`the panel has no #${id}`);
  return element as unknown as T;
}

export function renderImage(doc: Document, image: PanelImage | null): void {
  const frame = byId(doc, 'image-frame');
  const img = byId<HTMLImageElement>(doc, 'image-view');
  frame.hidden = image === null;
  byId(doc, 'image-details').hidden = image === null;
  byId(doc, 'image-summary').textContent = image?.name ?? '';
  byId(doc, 'image-placeholder').hidden = image !== null;
  frame.classList.remove('no-preview');
  if (image === null) {
    img.removeAttribute('src');
    img.alt = '';
    return;
  }
  img.alt = image.name;
  img.src = image.dataUrl;
}

/**
 * One rectangle per tile the model gets, in image pixels (the SVG's viewBox is the image size).
 * Rectangles, not lines: a zero-width line has no area, so tools that check visibility skip it.
 */
function drawGrid(doc: Document, svg: SVGSVGElement, width: number, height: number, grid: TileGrid): void {
  const w = width / grid.cols;
  const h = height / grid.rows;
  for (let row = 0; row < grid.rows; row++) {
    for (let col = 0; col < grid.cols; col++) {
      const tile = doc.createElementNS(SVG, 'rect');
      tile.setAttribute('class', 'tile');
      for (const [name, value] of Object.entries({
        x: col * w,
        y: row * h,
        width: w,
        height: h,
        'data-row': row,
        'data-col': col,
      })) {
        tile.setAttribute(name, String(value));
      }
      svg.append(tile);
    }
  }
}

/** The grid in a few words, its details on hover or when expanded, and a warning only when text gets too small. */
function renderGridNote(doc: Document, note: GridNote | undefined): void {
  byId(doc, 'grid-note').hidden = note === undefined;
  const summary = byId(doc, 'grid-summary');
  summary.textContent = note?.summary ?? '';
  summary.title = note?.detail ?? '';
  byId(doc, 'grid-detail').textContent = note?.detail ?? '';
  const warning = byId(doc, 'grid-warning');
  warning.hidden = note?.warning === undefined;
  warning.textContent = note?.warning ?? '';
}

function renderGrid(doc: Document, state: PanelState): void {
  const svg = byId<SVGSVGElement>(doc, 'tile-grid');
  const boxes = byId<SVGSVGElement>(doc, 'ocr-boxes');
  svg.replaceChildren();
  const size = state.imageSize;
  for (const overlay of [svg, boxes]) {
    if (size === undefined) overlay.removeAttribute('viewBox');
    else overlay.setAttribute('viewBox', `0 0 ${size.width} ${size.height}`);
  }
  if (size !== undefined && state.grid !== undefined) drawGrid(doc, svg, size.width, size.height, state.grid);
  renderGridNote(doc, gridNote(state.grid, size));
  // VS Code's webview cannot show every format the runtime reads (TIFF): keep the frame's shape for the overlays.
  // An image the runtime cannot read either gets no such note: the error says what is wrong.
  const frame = byId(doc, 'image-frame');
  frame.classList.toggle('unreadable', state.imageUnreadable === true);
  if (size !== undefined) frame.style.aspectRatio = `${size.width} / ${size.height}`;
}

const answerHtml = new WeakMap<Element, string>();

/** Under an answer: the compact stats with the full line on hover and when expanded, or how the turn ended. */
function renderStatusLine(doc: Document, line: Element, turn: Turn): void {
  if (turn.stats === undefined) {
    line.textContent = turn.status === 'cancelled' ? 'Cancelled.' : '';
    return;
  }
  const full = formatStats(turn.stats);
  if (line.querySelector('.stats-detail')?.textContent === full) return;
  const details = doc.createElement('details');
  const summary = doc.createElement('summary');
  summary.textContent = compactStats(turn.stats);
  summary.title = full;
  const detail = doc.createElement('span');
  detail.className = 'stats-detail';
  detail.textContent = full;
  details.append(summary, detail);
  line.replaceChildren(details);
}

// Drawn here rather than taken from an icon font: the panel loads no fonts.
const COPY_ICON =
  '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor">' +
  '<rect x="5.5" y="5.5" width="8" height="9" rx="1"/><path d="M10.5 3.5v-1a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v8a1 1 0 0 0 1 1h1"/></svg>';

function turnActions(turn: Turn, altTextTarget: string | undefined): string {
  if ((turn.status !== 'done' && turn.status !== 'cancelled') || turn.answer.trim() === '') return '';
  const copy = iconButtonHtml({ label: 'Copy answer', icon: COPY_ICON, data: { action: 'copy-answer' } });
  const alt =
    altTextTarget === undefined
      ? ''
      : buttonHtml({
          label: 'Insert as Alt Text',
          secondary: true,
          title: `Fill the alt text of ${altTextTarget}`,
          data: { action: 'insert-alt' },
        });
  return copy + alt;
}

function updateTurn(article: HTMLElement, turn: Turn, altTextTarget: string | undefined): void {
  article.dataset.status = turn.status;
  article.setAttribute('aria-busy', String(turn.status === 'waiting' || turn.status === 'streaming'));
  article.querySelector('.question')!.textContent = turn.question;
  const body = article.querySelector('.answer-text')!;
  if (answerHtml.get(body) !== turn.answer) {
    body.innerHTML = renderMarkdown(turn.answer);
    answerHtml.set(body, turn.answer);
  }
  const actions = article.querySelector('.turn-actions')!;
  const html = turnActions(turn, altTextTarget);
  if (actions.getAttribute('data-html') !== html) {
    actions.innerHTML = html;
    actions.setAttribute('data-html', html);
  }
  renderStatusLine(article.ownerDocument, article.querySelector('.stats')!, turn);
  const error = article.querySelector<HTMLElement>('.turn-error')!;
  error.hidden = turn.error === undefined;
  error.textContent =
    turn.error === undefined
      ? ''
      : [turn.error.message, turn.error.hint].filter((part) => part !== undefined).join(' ');
}

/** Updates turns in place, keyed by id, so streaming does not re-render the whole conversation. */
export function renderTurns(doc: Document, state: PanelState): void {
  const container = byId(doc, 'answer');
  const existing = new Map(
    [...container.querySelectorAll<HTMLElement>('.turn')].map((el) => [el.dataset.turnId ?? '', el]),
  );
  const ordered = state.turns.map((turn) => {
    let article = existing.get(turn.id);
    if (article === undefined) {
      article = doc.createElement('article');
      article.className = 'turn';
      article.dataset.turnId = turn.id;
      article.innerHTML =
        '<p class="question"></p><div class="answer-text"></div><p class="turn-error" role="alert" hidden></p><div class="turn-footer"><div class="stats"></div><div class="turn-actions"></div></div>';
    }
    updateTurn(article, turn, state.altTextTarget);
    return article;
  });
  // Re-inserting turns already in place would make the page lay them all out again.
  const inPlace =
    ordered.length === container.children.length && ordered.every((el, i) => container.children[i] === el);
  if (!inPlace) container.replaceChildren(...ordered);
}

function polygonPoints(line: OcrLine): string {
  return line.box.map(([x, y]) => `${x},${y}`).join(' ');
}

export function renderOcr(doc: Document, state: PanelState, hasImage: boolean): void {
  const list = byId(doc, 'ocr-lines');
  const boxes = byId<SVGSVGElement>(doc, 'ocr-boxes');
  const status = byId(doc, 'ocr-status');
  const ocr = state.ocr;
  const lines = ocr.status === 'done' ? ocr.result.lines : [];
  if (list.dataset.rendered !== JSON.stringify(lines.map((l) => [l.text, l.box]))) {
    list.replaceChildren(
      ...lines.map((line, index) => {
        const item = doc.createElement('li');
        item.className = 'ocr-line';
        item.tabIndex = 0;
        item.dataset.index = String(index);
        item.title = `confidence ${(line.confidence * 100).toFixed(0)}%`;
        // Code layout: the runtime measured each line's indentation; the list shows it (white-space: pre).
        item.textContent = ' '.repeat(line.indent ?? 0) + line.text;
        return item;
      }),
    );
    boxes.replaceChildren(
      ...lines.map((line, index) => {
        const polygon = doc.createElementNS(SVG, 'polygon');
        polygon.setAttribute('class', 'ocr-box');
        polygon.setAttribute('data-index', String(index));
        polygon.setAttribute('points', polygonPoints(line));
        return polygon;
      }),
    );
    list.dataset.rendered = JSON.stringify(lines.map((l) => [l.text, l.box]));
  }
  status.textContent = !state.ocrEnabled
    ? 'Text recognition is turned off (setting infimmHd.ocr.enabled).'
    : !hasImage
      ? 'Open an image to read its text.'
      : ocr.status === 'running'
        ? 'Reading the text…'
        : ocr.status === 'failed'
          ? 'Reading the text failed; see the message above.'
          : ocr.status === 'done'
            ? lines.length === 0
              ? 'No text found.'
              : `${lines.length} line${lines.length === 1 ? '' : 's'}, ${ocr.result.layout} layout, ${Math.round(ocr.result.stats.totalMs)} ms (${ocr.result.stats.provider}).`
            : '';
  for (const id of ['ocr-copy-all', 'ocr-insert', 'ocr-open-document']) setDisabled(byId(doc, id), lines.length === 0);
}

/** Hovering or focusing a line highlights its box and the other way round. */
export function bindOcrHighlight(doc: Document): void {
  const highlight = (index: string | undefined) => {
    for (const el of doc.querySelectorAll('.ocr-line, .ocr-box')) {
      el.classList.toggle('highlight', index !== undefined && el.getAttribute('data-index') === index);
    }
  };
  // Events here come from elements (text nodes do not receive mouse or focus events).
  const indexOf = (target: EventTarget | null) =>
    (target as Element | null)?.closest('.ocr-line, .ocr-box')?.getAttribute('data-index') ?? undefined;
  for (const root of [byId(doc, 'ocr-lines'), byId(doc, 'ocr-boxes')]) {
    root.addEventListener('mouseover', (event) => highlight(indexOf(event.target)));
    root.addEventListener('mouseleave', () => highlight(undefined));
    root.addEventListener('focusin', (event) => highlight(indexOf(event.target)));
    root.addEventListener('focusout', () => highlight(undefined));
  }
}

export function renderError(doc: Document, error: PanelError | undefined): void {
  const box = byId(doc, 'error');
  box.hidden = error === undefined;
  byId(doc, 'error-message').textContent = error?.message ?? '';
  byId(doc, 'error-hint').textContent = error?.hint ?? '';
}

/** Which model answers, once it has loaded; its card is one click away when its package names one. */
export function renderModel(doc: Document, model: PanelModel | undefined): void {
  byId(doc, 'model-header').hidden = model === undefined;
  const summary = byId(doc, 'model-summary');
  const header = model === undefined ? undefined : modelHeader(model);
  summary.textContent = header?.text ?? '';
  summary.title = header?.label ?? '';
  summary.setAttribute('aria-label', header?.label ?? '');
  byId(doc, 'model-card').hidden = model?.hasCard !== true;
}

export function renderControls(doc: Document, state: PanelState, hasImage: boolean): void {
  const cannotAsk = state.busy || !hasImage || state.imageUnreadable === true;
  setDisabled(byId(doc, 'ask-button'), cannotAsk);
  setDisabled(byId(doc, 'cancel-button'), !state.busy);
  for (const preset of doc.querySelectorAll('[data-preset]')) setDisabled(preset, cannotAsk);
  byId(doc, 'progress').textContent = state.progress ?? '';
}

export function renderState(doc: Document, state: PanelState, hasImage: boolean): void {
  renderModel(doc, state.model);
  const note = byId(doc, 'conversation-note');
  note.hidden = state.conversationNote === undefined;
  note.textContent = state.conversationNote ?? '';
  renderGrid(doc, state);
  renderTurns(doc, state);
  renderOcr(doc, state, hasImage);
  renderError(doc, state.error);
  renderControls(doc, state, hasImage);
}
