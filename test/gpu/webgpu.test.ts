// The WebGPU execution provider on Mesa's lavapipe (a Vulkan driver running on the CPU): every graph of the tiny
// packages opens with CPU fallback disabled, and their answers equal the CPU provider's. lavapipe stands in for a
// GPU so CI can run this path; its timings are software rendering and say nothing about a GPU's speed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CheckResult } from '../../scripts/gpu/check/results.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { tinyPackage } from '../../harness/tiny-models.ts';
import { oneNodeGraph } from './graphs.ts';
import { lavapipeAvailable, ROOT, runOnLavapipe } from './lavapipe.ts';

const LAVAPIPE = 'Mesa lavapipe (bash scripts/gpu/lavapipe.sh)';

interface Opened {
  provider?: string;
  y?: number[];
  error?: string;
  code?: string;
  log: string[];
}

function open(graph: string, provider: string, gpu?: 'yes' | 'no'): Opened {
  const run = runOnLavapipe('test/gpu/open.ts', [graph, provider, ...(gpu ? [gpu] : [])], 120_000);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as Opened;
}

describe('WebGPU over lavapipe', () => {
  test('a graph WebGPU can run runs there, and auto picks WebGPU when a GPU is present', (t) => {
    if (!requireOrSkip(t, lavapipeAvailable, LAVAPIPE)) return;
    const graph = oneNodeGraph('Relu');
    for (const [provider, gpu] of [
      ['webgpu', undefined],
      ['auto', 'yes'],
    ] as const) {
      const opened = open(graph, provider, gpu);
      assert.equal(opened.provider, 'webgpu', JSON.stringify(opened));
      assert.deepEqual(opened.y, [0, Math.fround(0.4), Math.fround(2.6), 0, 3.5, 1]);
    }
  });

  test('a graph with an operator WebGPU lacks is refused, never run on the CPU behind its back', (t) => {
    if (!requireOrSkip(t, lavapipeAvailable, LAVAPIPE)) return;
    const graph = oneNodeGraph('Round', 'vision.onnx');
    const forced = open(graph, 'webgpu');
    assert.equal(forced.code, 'provider-unavailable');
    assert.equal(
      forced.error,
      'The webgpu execution provider cannot run vision.onnx: some of its operators have no kernel on this provider.',
    );
    const auto = open(graph, 'auto', 'yes');
    assert.equal(auto.provider, 'cpu');
    assert.deepEqual(auto.log, [
      'webgpu cannot run vision.onnx (some of its operators have no kernel on this provider): using cpu instead',
    ]);
  });

  test(
    'tiny packages: every graph on WebGPU, features, image memory, logits and greedy tokens equal the CPU',
    { timeout: 30 * 60_000 },
    async (t) => {
      if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
      if (!requireOrSkip(t, lavapipeAvailable, LAVAPIPE)) return;
      const packages = [
        ['tiny-fp32', await tinyPackage({ preset: 'tiny', precision: 'fp32' })],
        ['tiny-fp16', await tinyPackage({ preset: 'tiny', precision: 'fp16' })],
        ['tiny-gqa-int4', await tinyPackage({ preset: 'tiny-gqa', precision: 'int4', activations: 'fp32' })],
      ];
      const out = join(mkdtempSync(join(tmpdir(), 'infimm-webgpu-')), 'results.json');
      const image = join(ROOT, 'media', 'samples', 'ui-screenshot.png');
      const args = [
        ...packages.map(([name, dir]) => `--package=${name}=${dir}`),
        '--image',
        image,
        '--tokens',
        '16',
        '--repeats',
        '1',
        '--threads',
        '1',
        '--out',
        out,
      ];
      const run = runOnLavapipe('scripts/gpu/check.ts', args, 28 * 60_000);
      const result = JSON.parse(readFileSync(out, 'utf8')) as CheckResult;
      t.diagnostic(run.stdout);
      for (const p of result.packages) {
        for (const r of p.runs) {
          assert.equal(r.error, undefined, `${p.name} on ${r.provider}`);
          assert.deepEqual(
            new Set(Object.values(r.graphs ?? {})),
            new Set([r.provider]),
            `${p.name}: every graph on ${r.provider}`,
          );
        }
        const [webgpu] = p.agreement;
        assert.ok(webgpu, `${p.name}: no comparison`);
        assert.ok(webgpu.features <= webgpu.tolerance, `${p.name}: features differ by ${webgpu.features} σ`);
        assert.ok(webgpu.memory <= webgpu.tolerance, `${p.name}: image memory differs by ${webgpu.memory} σ`);
        // The full prompt reaches WebGPU's flash-attention kernel, which lavapipe computes wrongly (docs/gpu.md):
        // here only the prompt under 32 tokens is held to the tolerance; the GPU check holds both.
        const short = webgpu.prompts.find((q) => q.prompt === 'short')!;
        assert.ok(short.logits <= webgpu.tolerance, `${p.name}: logits differ by ${short.logits} σ`);
        if (p.precision === 'fp32')
          assert.ok(short.tokensEqual, `${p.name}: tokens differ from position ${short.firstTokenDifference}`);
      }
      assert.deepEqual(
        result.packages.map((p) => p.name),
        packages.map(([name]) => name),
      );
    },
  );
});
