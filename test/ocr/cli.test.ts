import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { OcrLine } from '../../src/common/protocol.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURE = join(import.meta.dirname, 'fixtures', 'lines.png');

function ocr(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'ocr.ts'), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
}

test('npm run ocr prints the text, or JSON lines with boxes', () => {
  const expected = (
    JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'expected.json'), 'utf8')) as Record<
      string,
      { text: string }
    >
  ).lines!;
  const plain = ocr(FIXTURE);
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(plain.stdout.trim().split('\n').sort().join('\n'), expected.text.split('\n').sort().join('\n'));
  const json = ocr(FIXTURE, '--json');
  assert.equal(json.status, 0, json.stderr);
  const lines = json.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as OcrLine & { image: string });
  assert.equal(lines.length, 4);
  assert.ok(lines.every((line) => line.image === FIXTURE));
  for (const line of lines) {
    assert.equal(line.box.length, 4);
    assert.ok(line.confidence > 0.9 && line.words!.length > 0);
  }
});

test('npm run ocr reads several images in one run, each JSON line naming its image', () => {
  const run = ocr(FIXTURE, FIXTURE, '--json');
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as OcrLine & { image: string });
  assert.equal(lines.length, 8);
  assert.ok(lines.every((line) => line.image === FIXTURE));
  assert.deepEqual(
    lines.slice(4).map((l) => l.text),
    lines.slice(0, 4).map((l) => l.text),
  );
});

test('npm run ocr explains a bad path or a bad argument and exits non-zero', () => {
  const missing = ocr(join(ROOT, 'no-such-image.png'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no-such-image\.png": no such file/);
  const usage = ocr(FIXTURE, '--layout', 'poem');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /Usage: npm run ocr/);
});
