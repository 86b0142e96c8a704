// What the panel's header says about a model comes from its package: name, parameters, size, precision, card.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { convert } from '../../src/convert/convert.ts';
import { summarize } from '../../src/host/summary.ts';
import { readManifest } from '../../src/package/verify.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { tinyCheckpoint } from '../../harness/tiny-models.ts';

test('the bundled model: its manifest names it and points at docs/model.md', () => {
  const summary = summarize(readManifest('models/default'), 'models/default');
  assert.equal(summary.name, 'InfiMM-HD-small');
  assert.equal(summary.precision, 'fp32');
  // README and docs/model.md quote it as 4.3M parameters in a 17 MB package.
  assert.equal((summary.parameters / 1e6).toFixed(1), '4.3');
  assert.equal(Math.round(summary.bytes / 1e6), 17);
  assert.equal(summary.card, resolve('docs/model.md'));
});

test(
  'the converter writes --name and --card; a web card is kept, a card file that does not exist is left out',
  { timeout: 180_000 },
  async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const checkpoint = await tinyCheckpoint();
    const parent = mkdtempSync(join(tmpdir(), 'infimm-summary-'));
    t.after(() => rmSync(parent, { recursive: true, force: true }));
    const web = join(parent, 'web');
    const manifest = await convert(checkpoint, web, {
      precision: 'int8',
      name: 'InfiMM-HD-tiny',
      card: 'https://example.org/card',
    });
    assert.equal(manifest.card, 'https://example.org/card');
    assert.deepEqual(summarize(readManifest(web), web), {
      name: 'InfiMM-HD-tiny',
      parameters: summarize(manifest, web).parameters,
      bytes: Object.values(manifest.files).reduce((n, f) => n + f.bytes, 0),
      precision: 'int8',
      card: 'https://example.org/card',
    });

    const missing = join(parent, 'missing');
    await convert(checkpoint, missing, { precision: 'fp32', card: 'CARD.md' });
    assert.equal(existsSync(join(missing, 'CARD.md')), false);
    assert.equal(summarize(readManifest(missing), missing).card, undefined);
    assert.equal(summarize(readManifest(missing), missing).name, 'InfiMM-HD', 'without --name or _name_or_path');
  },
);
