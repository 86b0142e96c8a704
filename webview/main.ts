// The panel's entry point: builds the markup, renders what the extension posts and sends the user's
// actions back. State lives in the extension; it re-posts everything when the panel is shown again.
import type { FromWebview, PanelState, PresetId, ToWebview } from '../src/common/panel-protocol.ts';
import { PRESETS } from '../src/common/panel-protocol.ts';
import { pickInput, readAsDataUrl, type PickedInput } from './image-input.ts';
import { layoutHtml } from './layout.ts';
import { onTabChange, registerToolkit, selectTab } from './toolkit.ts';
import { bindOcrHighlight, byId, renderImage, renderState, renderTurns } from './view.ts';

interface WebviewApi<T> {
  postMessage(message: FromWebview): void;
  getState(): T | undefined;
  setState(state: T): void;
}
declare function acquireVsCodeApi<T>(): WebviewApi<T>;

/** What only the webview knows and must keep when the panel is hidden: the open tab and an unsent question. */
interface UiState {
  tab: string;
  draft: string;
}

const vscode = acquireVsCodeApi<UiState>();
const ui: UiState = vscode.getState() ?? { tab: 'tab-answer', draft: '' };
let state: PanelState | undefined;
let hasImage = false;

byId(document, 'app').innerHTML = layoutHtml;
const question = byId<HTMLTextAreaElement>(document, 'question-input');
const tabs = byId(document, 'tabs');
question.value = ui.draft;
selectTab(tabs, ui.tab);
bindOcrHighlight(document);

const post = (message: FromWebview) => vscode.postMessage(message);
const saveUi = () => vscode.setState(ui);

function render(): void {
  if (state !== undefined) renderState(document, state, hasImage);
}

/** Keeps the newest answer in view while it streams, unless the user scrolled up to read. */
function followConversation(draw: () => void, force = false): void {
  const root = document.documentElement;
  const atBottom = window.innerHeight + window.scrollY >= root.scrollHeight - 48;
  draw();
  if (force || atBottom) window.scrollTo({ top: root.scrollHeight });
}

// The composer is fixed to the bottom edge: the page keeps room for it so no answer hides under it.
const composer = byId(document, 'composer');
new ResizeObserver(() => document.body.style.setProperty('--composer-height', `${composer.offsetHeight}px`)).observe(
  composer,
);

let turnsFrame: number | undefined;
/**
 * Deltas arrive up to hundreds a second, and drawing one renders the whole answer's Markdown and lays it out
 * again: the turns are drawn once per frame instead, with what has arrived by then.
 */
function drawTurnsNextFrame(): void {
  if (turnsFrame !== undefined) return;
  turnsFrame = requestAnimationFrame(() => {
    turnsFrame = undefined;
    const current = state;
    if (current !== undefined) followConversation(() => renderTurns(document, current));
  });
}

/** Runs OCR when its tab shows an image not read yet; switching to the tab again retries a failure. */
function maybeRunOcr(retry = false): void {
  const status = state?.ocr.status;
  if (
    ui.tab === 'tab-ocr' &&
    state?.ocrEnabled === true &&
    hasImage &&
    (status === 'idle' || (retry && status === 'failed'))
  )
    post({ type: 'runOcr' });
}

function ask(text: string, preset?: PresetId): void {
  if (state?.busy === true || state?.imageUnreadable === true || !hasImage || text.trim() === '') return;
  post(preset === undefined ? { type: 'ask', question: text } : { type: 'ask', question: text, preset });
  if (preset === undefined) {
    question.value = '';
    ui.draft = '';
    saveUi();
  }
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  switch (message.type) {
    case 'state': {
      // A new question (from a command, a CodeLens or a preset) brings its answer into view.
      // (Not on the first state after the page loaded: that only restores what was there.)
      const known = state === undefined ? undefined : new Set(state.turns.map((t) => t.id));
      state = message.state;
      const newTurn = known !== undefined && state.turns.some((t) => !known.has(t.id));
      if (newTurn) showTab('tab-answer');
      followConversation(render, newTurn);
      maybeRunOcr();
      break;
    }
    case 'image':
      hasImage = message.image !== null;
      renderImage(document, message.image);
      render();
      break;
    case 'answerDelta': {
      const turn = state?.turns.find((t) => t.id === message.turnId);
      if (state === undefined || turn === undefined) break;
      turn.answer += message.text;
      turn.status = 'streaming';
      drawTurnsNextFrame();
      break;
    }
    case 'focusQuestion':
      question.focus();
      break;
  }
});

// An image the webview cannot show (TIFF) still has its grid and boxes drawn on a plain frame.
byId<HTMLImageElement>(document, 'image-view').addEventListener('error', () => {
  if (hasImage) byId(document, 'image-frame').classList.add('no-preview');
});

byId(document, 'ask-button').addEventListener('click', () => ask(question.value));
byId(document, 'cancel-button').addEventListener('click', () => post({ type: 'cancel' }));
byId(document, 'error-dismiss').addEventListener('click', () => post({ type: 'dismissError' }));
byId(document, 'model-card').addEventListener('click', (event) => {
  event.preventDefault();
  post({ type: 'openModelCard' });
});
for (const button of document.querySelectorAll<HTMLElement>('[data-preset]')) {
  const id = button.dataset.preset as PresetId;
  button.addEventListener('click', () => ask(PRESETS[id].question, id));
}

question.addEventListener('input', () => {
  ui.draft = question.value;
  saveUi();
});
question.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ask(question.value);
  }
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && state?.busy === true) post({ type: 'cancel' });
});

function tabChanged(tabId: string): void {
  ui.tab = tabId;
  saveUi();
  document.body.dataset.tab = tabId;
  maybeRunOcr(true);
}

function showTab(tabId: string): void {
  if (ui.tab === tabId) return;
  selectTab(tabs, tabId);
  tabChanged(tabId);
}

onTabChange(tabs, tabChanged);
document.body.dataset.tab = ui.tab;

byId(document, 'answer').addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest('a[href]');
  if (link !== null && link !== undefined) {
    event.preventDefault();
    post({ type: 'openLink', href: link.getAttribute('href') ?? '' });
    return;
  }
  const action = target?.closest('[data-action]')?.getAttribute('data-action');
  const code = target?.closest('.code-block')?.querySelector('code')?.textContent ?? '';
  const turnId = target?.closest<HTMLElement>('.turn')?.dataset.turnId ?? '';
  const answer = state?.turns.find((t) => t.id === turnId)?.answer ?? '';
  if (action === 'copy-code') post({ type: 'copy', text: code });
  else if (action === 'insert-code') post({ type: 'insertAtCursor', text: code });
  else if (action === 'copy-answer') post({ type: 'copy', text: answer });
  else if (action === 'insert-alt') post({ type: 'insertAltText', turnId });
});

const ocrText = () => (state?.ocr.status === 'done' ? state.ocr.result : undefined);
byId(document, 'ocr-copy-all').addEventListener('click', () => {
  const ocr = ocrText();
  if (ocr !== undefined) post({ type: 'copy', text: ocr.text });
});
byId(document, 'ocr-insert').addEventListener('click', () => {
  const ocr = ocrText();
  if (ocr !== undefined) post({ type: 'insertAtCursor', text: ocr.text });
});
byId(document, 'ocr-open-document').addEventListener('click', () => {
  const ocr = ocrText();
  if (ocr !== undefined)
    post({ type: 'openDocument', text: ocr.text, ...(ocr.layout === 'prose' ? { language: 'plaintext' } : {}) });
});

async function accept(picked: Exclude<PickedInput, { kind: 'text' }>, action: 'paste' | 'drop'): Promise<void> {
  if (picked.kind === 'rejected') return post({ type: 'inputRejected', message: picked.message });
  if (picked.kind === 'uris') return post({ type: 'openUris', uris: picked.uris });
  try {
    post({ type: 'imageDropped', name: picked.name, dataUrl: await readAsDataUrl(picked.file) });
  } catch (error) {
    post({
      type: 'inputRejected',
      message: `The ${action === 'paste' ? 'pasted' : 'dropped'} image could not be read: ${String(error)}`,
    });
  }
}

document.addEventListener('paste', (event) => {
  const picked = pickInput(event.clipboardData, 'paste');
  // Text pasted into the question box is just typing.
  if (picked.kind === 'text' && event.target === question) return;
  event.preventDefault();
  void accept(
    picked.kind === 'text'
      ? {
          kind: 'rejected',
          message: 'The clipboard holds text, not an image. Copy an image or take a screenshot, then paste again.',
        }
      : picked,
    'paste',
  );
});

const dropZone = byId(document, 'drop-zone');
for (const type of ['dragenter', 'dragover']) {
  document.addEventListener(type, (event) => {
    event.preventDefault();
    dropZone.classList.add('drag-over');
  });
}
document.addEventListener('dragleave', (event) => {
  if (event.relatedTarget === null) dropZone.classList.remove('drag-over');
});
document.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('drag-over');
  const picked = pickInput(event.dataTransfer, 'drop');
  if (picked.kind !== 'text') void accept(picked, 'drop');
});

void registerToolkit().then(() => {
  selectTab(tabs, ui.tab);
  post({ type: 'ready' });
});
