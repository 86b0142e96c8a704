// The panel's markup. Its ids are a contract with the end-to-end tests: keep them stable.
import { PRESETS, PRESET_IDS } from '../src/common/panel-protocol.ts';
import { buttonHtml, tabsHtml } from './toolkit.ts';

// The conversation scrolls; the composer (presets, question, Ask) stays pinned to the bottom edge.
const answerView = `
  <div class="column">
    <p id="conversation-note" class="note" role="status" hidden></p>
    <div id="answer" role="log" aria-live="polite" aria-label="Conversation"></div>
    <div id="composer">
      <div class="presets" role="group" aria-label="Preset questions">
        ${PRESET_IDS.map((id) => buttonHtml({ label: PRESETS[id].label, secondary: true, title: PRESETS[id].question, data: { preset: id } })).join('\n        ')}
      </div>
      <label for="question-input" class="note">Question (Enter asks, Shift+Enter adds a line, Escape cancels)</label>
      <textarea id="question-input" rows="2" placeholder="Ask about the image…"></textarea>
      <div class="actions">
        ${buttonHtml({ id: 'ask-button', label: 'Ask', disabled: true })}
        ${buttonHtml({ id: 'cancel-button', label: 'Cancel', secondary: true, disabled: true })}
        <span id="progress" class="note" role="status"></span>
      </div>
    </div>
  </div>`;

const ocrView = `
  <div class="column">
    <div class="actions">
      ${buttonHtml({ id: 'ocr-copy-all', label: 'Copy All', secondary: true, disabled: true })}
      ${buttonHtml({ id: 'ocr-insert', label: 'Insert at Cursor', secondary: true, disabled: true })}
      ${buttonHtml({ id: 'ocr-open-document', label: 'Open as Untitled Document', secondary: true, disabled: true })}
    </div>
    <p id="ocr-status" class="note" role="status"></p>
    <ol id="ocr-lines" aria-label="Recognised lines"></ol>
  </div>`;

// The model's header and the image stay at the top while the conversation scrolls under them.
export const layoutHtml = `
  <div id="top-bar">
    <header id="model-header" class="note" hidden>
      <span id="model-summary"></span>
      <a id="model-card" href="#" hidden>Model card</a>
    </header>
    <section id="drop-zone" tabindex="0" aria-label="Image. Paste with Ctrl+V or drop an image here.">
      <details id="image-details" open hidden>
        <summary id="image-summary" title="Show or hide the image"></summary>
        <div id="image-frame" class="image-frame" hidden>
          <img id="image-view" alt="">
          <svg id="tile-grid" class="overlay" aria-hidden="true" preserveAspectRatio="none"></svg>
          <svg id="ocr-boxes" class="overlay" aria-hidden="true" preserveAspectRatio="none"></svg>
        </div>
      </details>
      <p id="image-placeholder" class="placeholder">Paste (Ctrl+V) or drop an image here, or run "InfiMM-HD: Ask About Image".</p>
      <details id="grid-note" class="note" hidden><summary id="grid-summary"></summary><p id="grid-detail"></p></details>
      <p id="grid-warning" class="warning" role="status" hidden></p>
    </section>
  </div>
  <div id="error" role="alert" hidden>
    <p id="error-message"></p>
    <p id="error-hint"></p>
    ${buttonHtml({ id: 'error-dismiss', label: 'Dismiss', secondary: true })}
  </div>
  ${tabsHtml({
    id: 'tabs',
    label: 'Answer and recognised text',
    tabs: [
      { id: 'tab-answer', label: 'Answer', viewId: 'view-answer', content: answerView },
      { id: 'tab-ocr', label: 'Text (OCR)', viewId: 'view-ocr', content: ocrView },
    ],
  })}`;
