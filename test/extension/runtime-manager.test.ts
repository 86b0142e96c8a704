// The extension's runtime manager with the real host process and a tiny converted model.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from 'node:test';
import { RuntimeManager, type RuntimeStatus } from '../../src/extension/runtime-manager.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { config, HOST_SCRIPT, TSX } from '../support/runtime-host.ts';
import { tinyPackage } from '../../harness/tiny-models.ts';

describe('runtime manager', () => {
  test('loads once, answers, stops when idle and counts the restart', { timeout: 180_000 }, async (t) => {
    // The tiny model is written by the PyTorch reference.
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const modelDir = await tinyPackage();
    const log: string[] = [];
    const manager = new RuntimeManager({ hostScript: HOST_SCRIPT, execArgv: TSX, log: (line) => log.push(line) });
    const states: RuntimeStatus['state'][] = [];
    manager.onStatus((status) => states.push(status.state));
    t.after(() => manager.dispose());

    const runtimeConfig = config(modelDir);
    assert.equal(manager.isLoaded(runtimeConfig), false);
    const [a, b] = await Promise.all([manager.configure(runtimeConfig), manager.configure(runtimeConfig)]);
    assert.equal(a, b, 'concurrent callers share one load');
    assert.equal(manager.isLoaded(runtimeConfig), true);
    assert.equal(manager.status.provider, 'cpu');
    assert.equal(manager.status.model, a.model.name);
    assert.equal(a.model.precision, 'fp32');
    assert.equal(a.model.card, undefined, 'a package whose manifest names no card has none');
    assert.ok(states.includes('loading'));
    assert.equal(manager.isLoaded({ ...runtimeConfig, maxTiles: 4 }), false, 'other settings need a reload');

    const bytes = new Uint8Array(readFileSync('media/samples/diagram.png'));
    const inspected = await manager.request({ kind: 'inspect', image: { name: 'diagram.png', bytes } });
    assert.equal(inspected.kind, 'inspect');
    assert.deepEqual([inspected.info.width, inspected.info.height], [900, 480]);

    const generation = manager.generation;
    manager.setIdleTimeout(300);
    const deadline = Date.now() + 15_000;
    while (manager.status.state !== 'stopped' && Date.now() < deadline) await sleep(100);
    assert.equal(manager.status.state, 'stopped', 'the host stops when idle');
    assert.equal(manager.generation, generation + 1, 'conversations know their memory is gone');
    assert.equal(manager.isLoaded(runtimeConfig), false);
    assert.ok(log.some((line) => /idle for 0 s/.test(line)));
    assert.equal(manager.modelFor(runtimeConfig), a, 'the model is still known while the runtime is stopped');
    assert.equal(
      manager.modelFor({ ...runtimeConfig, modelDir: `${modelDir}-other` }),
      undefined,
      'another model folder is not',
    );

    manager.setIdleTimeout(0);
    await manager.configure(runtimeConfig);
    const again = await manager.request({ kind: 'inspect', image: { name: 'diagram.png', bytes } });
    assert.equal(again.kind, 'inspect', 'a fresh host answers after the idle stop');
  });
});
