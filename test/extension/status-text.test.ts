import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusText } from '../../src/extension/status-text.ts';

const model = { dir: '/ext/models/default', source: 'bundled' };

test('the status bar shows the state, and the provider once a model is loaded', () => {
  assert.equal(statusText({ state: 'stopped' }, model).text, '$(eye) InfiMM-HD · idle');
  assert.equal(statusText({ state: 'loading' }, model).text, '$(loading~spin) InfiMM-HD · loading');
  assert.equal(
    statusText({ state: 'ready', model: 'infimm-hd-7b', provider: 'cuda, cpu' }, model).text,
    '$(eye) InfiMM-HD · cuda, cpu · ready',
  );
  assert.equal(
    statusText({ state: 'busy', model: 'infimm-hd-7b', provider: 'cpu' }, model).text,
    '$(sync~spin) InfiMM-HD · cpu · busy',
  );
  assert.equal(
    statusText({ state: 'ready' }, model).text,
    '$(warning) InfiMM-HD · no model',
    'a host whose model failed to load is not ready',
  );
});

test('the tooltip names the model, where its folder came from and the provider', () => {
  const { tooltip } = statusText(
    { state: 'ready', model: 'infimm-hd-7b', provider: 'cpu' },
    { dir: '/models/x', source: 'user settings' },
  );
  assert.match(tooltip, /Model: infimm-hd-7b \(\/models\/x, from user settings\)/);
  assert.match(tooltip, /Execution provider: cpu/);
  assert.match(statusText({ state: 'stopped' }, model).tooltip, /starts on first use/);
});

test('the accessible name is words only, without icon names', () => {
  assert.equal(statusText({ state: 'stopped' }, model).label, 'InfiMM-HD runtime: not running (starts on first use)');
  assert.equal(
    statusText({ state: 'ready', model: 'm', provider: 'cpu' }, model).label,
    'InfiMM-HD runtime: ready, on cpu',
  );
});
