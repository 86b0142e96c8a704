// What a conversion reports while it runs (events, the CLI's three ways of showing them), how it is
// cancelled, and the disk-space check that comes before anything is written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { openCheckpoint } from '../../src/checkpoint/index.ts';
import { formatDuration, progressSummary, type ConvertEvent } from '../../src/common/conversion.ts';
import { convert } from '../../src/convert/convert.ts';
import { ensureFreeSpace, estimatePackageBytes, freeBytes } from '../../src/convert/disk-space.ts';
import { ConvertError } from '../../src/convert/errors.ts';
import { ProgressOutput } from '../../src/convert/progress-output.ts';
import { canonicalName } from '../../src/convert/keys.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { tinyCheckpoint } from '../../harness/tiny-models.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'infimm-progress-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

describe('conversion progress', () => {
  test('progress words: bytes, share, MB/s and time left', () => {
    const p = { tensor: 't', bytesDone: 1.2e9, bytesTotal: 2.4e9, elapsedMs: 20_000 };
    assert.equal(progressSummary(p), '1.20 GB / 2.40 GB (50%), 60 MB/s, 0:20 left');
    assert.equal(progressSummary({ ...p, bytesDone: 0, elapsedMs: 0 }), '0 kB / 2.40 GB (0%)');
    assert.equal(formatDuration(3723), '1:02:03');
    assert.equal(formatDuration(59.6), '1:00');
  });

  test('a terminal gets one line rewritten in place, a log plain lines now and then, a program JSON lines', () => {
    let now = 0;
    const outputs = { tty: [] as string[], lines: [] as string[], json: [] as string[] };
    const shown = (Object.keys(outputs) as Array<keyof typeof outputs>).map(
      (mode) =>
        [
          mode,
          new ProgressOutput(
            mode,
            (t) => outputs[mode].push(t),
            () => now,
          ),
        ] as const,
    );
    const events: ConvertEvent[] = [
      { type: 'start', partial: '/x/.p.partial-1', estimatedBytes: 2e9, freeBytes: 9e9, threads: 2 },
    ];
    for (let i = 0; i <= 100; i++)
      events.push({
        type: 'progress',
        tensor: `layer.${i}`,
        bytesDone: i * 1e6,
        bytesTotal: 100e6,
        elapsedMs: i * 100,
      });
    for (const event of events) {
      now += 100;
      for (const [, output] of shown) output.event(event);
    }
    for (const [, output] of shown) output.line('wrote it');
    // 10 s of reports 100 ms apart: every second one on a terminal, every 50th in a log, every third for a program.
    assert.equal(outputs.tty.filter((t) => t.startsWith('\r')).length, 51);
    assert.ok(outputs.tty.every((t) => !t.startsWith('\r') || (t.endsWith('\x1b[K') && !t.includes('\n'))));
    assert.deepEqual(outputs.tty.slice(-2), ['\n', 'wrote it\n'], 'the summary starts on a line of its own');
    assert.equal(outputs.lines.filter((t) => t.includes('layer.')).length, 2);
    assert.ok(outputs.lines.every((t) => t.endsWith('\n') && !t.includes('\r')));
    const parsed = outputs.json.map((t) => JSON.parse(t) as ConvertEvent);
    assert.equal(parsed[0]!.type, 'start');
    assert.equal(parsed.length, 1 + 34);
    assert.ok(parsed.slice(1).every((e) => e.type === 'progress'));
    assert.ok(!outputs.json.some((t) => t.includes('wrote it')), "only JSON on a program's stdout");
  });

  test("a conversion reports every tensor before reading it, the bytes adding up to the checkpoint's", async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const source = await tinyCheckpoint({ format: 'torch' });
    const checkpoint = await openCheckpoint(source);
    const used = checkpoint.entries.filter((e) =>
      e.names.some((n) => !['unused', undefined].includes(canonicalName(n, ''))),
    );
    const total = used.reduce((sum, e) => sum + e.byteLength, 0);
    await checkpoint.close();
    const events: ConvertEvent[] = [];
    const out = join(scratch(), 'package');
    await convert(source, out, { precision: 'int4', threads: 2, onEvent: (e) => events.push(e) });
    const [start, ...progress] = events;
    assert.equal(start?.type, 'start');
    assert.equal(start.threads, 2);
    assert.match(start.partial, /\.package\.partial-\d+$/);
    assert.ok(
      start.estimatedBytes >= folderBytes(out),
      `estimated ${start.estimatedBytes} bytes for a package of ${folderBytes(out)}`,
    );
    const reports = progress.filter((e) => e.type === 'progress');
    assert.equal(reports.length, progress.length);
    assert.equal(new Set(reports.map((e) => e.tensor)).size, used.length, 'one report per tensor');
    assert.ok(reports.every((e) => e.bytesTotal === total));
    assert.equal(reports[0]!.bytesDone, 0);
    assert.ok(reports.every((e, i) => i === 0 || e.bytesDone >= reports[i - 1]!.bytesDone));
    const last = reports.at(-1)!;
    assert.ok(last.bytesDone < total && last.bytesDone > total / 2);
  });

  test('cancelling stops before the next tensor and leaves nothing behind', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const parent = scratch();
    const abort = new AbortController();
    let reports = 0;
    const converting = convert(await tinyCheckpoint({ format: 'torch' }), join(parent, 'package'), {
      precision: 'fp32',
      signal: abort.signal,
      onEvent: (e) => {
        if (e.type === 'progress' && ++reports === 20) abort.abort();
      },
    });
    await assert.rejects(converting, { name: 'AbortError' });
    assert.equal(reports, 20);
    assert.deepEqual(readdirSync(parent), []);
  });

  test('the CLI with --json prints only events: start, progress, then done or an error the caller can classify', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const parent = scratch();
    const run = (args: string[]) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/convert/cli.ts'), ...args, '--json'], {
        encoding: 'utf8',
        cwd: ROOT,
      });
      return {
        status: r.status,
        events: r.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as ConvertEvent),
        stderr: r.stderr,
      };
    };
    const source = await tinyCheckpoint({ format: 'torch' });
    const ok = run([source, join(parent, 'package'), '--weights', 'int8']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.events[0]!.type, 'start');
    assert.ok(ok.events.some((e) => e.type === 'progress'));
    const done = ok.events.at(-1)!;
    const manifestBytes = statSync(join(parent, 'package', 'manifest.json')).size;
    assert.ok(
      done.type === 'done' && done.bytes === folderBytes(join(parent, 'package')) - manifestBytes,
      JSON.stringify(done),
    );

    const notEmpty = run([source, join(parent, 'package')]);
    assert.equal(notEmpty.status, 1);
    assert.deepEqual(
      notEmpty.events.map((e) => e.type === 'error' && e.failure),
      ['output'],
    );
    const notCheckpoint = run([join(source, 'config.json'), join(parent, 'other')]);
    assert.equal(notCheckpoint.status, 1);
    const error = notCheckpoint.events[0]!;
    assert.ok(error.type === 'error' && error.failure === 'checkpoint', JSON.stringify(error));
    assert.deepEqual(readdirSync(parent), ['package']);
  });
});

describe('disk space', () => {
  test("the estimate bounds every precision's package from above, int4 below fp32", async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const source = await tinyCheckpoint({ format: 'torch' });
    const parent = scratch();
    const checkpoint = await openCheckpoint(source);
    const tensors = new Map(
      checkpoint.entries.flatMap((entry) => {
        const name = entry.names.map((n) => canonicalName(n, '')).find((n) => n !== undefined && n !== 'unused');
        return name === undefined ? [] : [[name, { entry }] as const];
      }),
    );
    await checkpoint.close();
    const estimates = new Map<string, number>();
    for (const precision of ['fp32', 'fp16', 'int8', 'int4'] as const) {
      const out = join(parent, precision);
      await convert(source, out, { precision });
      const estimate = estimatePackageBytes(tensors, precision);
      estimates.set(precision, estimate);
      // The fixed allowance dwarfs a tiny package; past it, the estimate follows the weights.
      assert.ok(estimate >= folderBytes(out), `${precision}: estimated ${estimate}, wrote ${folderBytes(out)}`);
      assert.ok(
        estimate - 64 * 2 ** 20 <= 2 * folderBytes(out),
        `${precision}: estimated ${estimate}, wrote ${folderBytes(out)}`,
      );
    }
    assert.ok(estimates.get('int4')! < estimates.get('int8')! && estimates.get('int8')! < estimates.get('fp32')!);
  });

  test('too little space is refused with both sizes named; enough passes', async () => {
    const dir = scratch();
    const free = await freeBytes(dir);
    assert.ok(free > 0);
    await assert.rejects(ensureFreeSpace(dir, free + 5e9), (e: unknown) => {
      assert.ok(e instanceof ConvertError);
      assert.equal(e.failure, 'no-space');
      assert.match(e.message, /needs about [\d.]+ [GMk]B and [\d.]+ [GMk]B is free/);
      return true;
    });
    assert.equal(await ensureFreeSpace(dir, 1), free);
  });
});
