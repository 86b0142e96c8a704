import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PanelModel } from '../../src/common/panel-protocol.ts';
import { layoutHtml } from '../../webview/layout.ts';
import { modelHeader, parameterCount } from '../../webview/model-header.ts';
import { renderModel } from '../../webview/view.ts';
import { freshDocument } from './dom.ts';

const small: PanelModel = {
  name: 'InfiMM-HD-small',
  parameters: 4_251_360,
  bytes: 17_223_426,
  precision: 'fp32',
  provider: 'cpu',
  hasCard: true,
};

test('parameter counts read as models are quoted', () => {
  assert.equal(parameterCount(4_251_360), '4.3M');
  assert.equal(parameterCount(7_100_000_000), '7.1B');
  assert.equal(parameterCount(850_000), '850.0K');
  assert.equal(parameterCount(12), '12');
});

test('the header names the model, its size, precision and provider, in short and in words', () => {
  assert.deepEqual(modelHeader(small), {
    text: 'InfiMM-HD-small · 4.3M parameters · 17.2 MB · fp32 · on cpu',
    label: 'The model answering: InfiMM-HD-small, 4,251,360 parameters, 17.2 MB of fp32 weights, running on cpu.',
  });
  assert.match(
    modelHeader({ ...small, bytes: 4_300_000_000, precision: 'int4', provider: 'webgpu, cpu' }).text,
    /· 4\.3 GB · int4 · on webgpu, cpu$/,
  );
});

test('the header shows once the model is known, with the card link only when the package names a card', () => {
  const doc = freshDocument(`<main id="app">${layoutHtml}</main>`);
  const header = doc.getElementById('model-header')!;
  const card = doc.getElementById('model-card')!;
  assert.equal(header.hidden, true, 'nothing to say before the model loaded');
  renderModel(doc, small);
  assert.equal(header.hidden, false);
  assert.equal(doc.getElementById('model-summary')?.textContent, modelHeader(small).text);
  assert.equal(doc.getElementById('model-summary')?.getAttribute('aria-label'), modelHeader(small).label);
  assert.equal(card.hidden, false);
  renderModel(doc, { ...small, hasCard: false });
  assert.equal(card.hidden, true);
  renderModel(doc, undefined);
  assert.equal(header.hidden, true);
});
