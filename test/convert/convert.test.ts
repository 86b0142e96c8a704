// The converter: every checkpoint format gives the same package, and bad input gives one clear error and
// leaves nothing behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { openCheckpoint } from '../../src/checkpoint/index.ts';
import { convert } from '../../src/convert/convert.ts';
import { PackageError, readManifest, verifyPackage } from '../../src/package/verify.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { writeSafetensors, type F32Tensor } from '../../src/checkpoint/safetensors-writer.ts';
import { tinyCheckpoint, type CheckpointSpec } from '../../harness/tiny-models.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'infimm-convert-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function convertTo(spec: CheckpointSpec, precision: 'fp32' | 'int4' = 'fp32'): Promise<string> {
  const out = join(scratch(), 'package');
  await convert(await tinyCheckpoint(spec), out, { precision });
  return out;
}

function filesOf(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f))]),
  );
}

/** A safetensors copy of a tiny checkpoint whose tensors `edit` may change, with its config.json and tokenizer. */
async function editedCheckpoint(
  edit: (tensors: Map<string, F32Tensor>, config: Record<string, unknown>) => void,
): Promise<string> {
  const source = await tinyCheckpoint({ format: 'safetensors', dtype: 'f32' });
  const checkpoint = await openCheckpoint(source);
  const tensors = new Map<string, F32Tensor>();
  for (const entry of checkpoint.entries)
    tensors.set(entry.names[0]!, { shape: entry.shape, data: await checkpoint.readFloat32(entry.names[0]!) });
  await checkpoint.close();
  const config = JSON.parse(readFileSync(join(source, 'config.json'), 'utf8')) as Record<string, unknown>;
  edit(tensors, config);
  const dir = join(scratch(), 'checkpoint');
  mkdirSync(dir);
  writeSafetensors(join(dir, 'model.safetensors'), tensors);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  copyFileSync(join(source, 'tokenizer.model'), join(dir, 'tokenizer.model'));
  return dir;
}

/** A copy of a tiny safetensors checkpoint whose tensor `name` is stored as I32. */
async function editedIntCheckpoint(name: string): Promise<string> {
  const dir = await editedCheckpoint(() => {});
  const file = join(dir, 'model.safetensors');
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = bytes.subarray(8, 8 + headerLength).toString('utf8');
  const edited = header.replace(`"${name}":{"dtype":"F32"`, `"${name}":{"dtype":"I32"`);
  assert.notEqual(edited, header);
  writeFileSync(file, Buffer.concat([bytes.subarray(0, 8), Buffer.from(edited), bytes.subarray(8 + headerLength)]));
  return dir;
}

/** Runs the CLI; returns its exit code and stderr. */
function cli(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/convert/cli.ts'), ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
  return { status: r.status, stderr: r.stderr };
}

function assertNothingLeft(parent: string): void {
  assert.deepEqual(
    readdirSync(parent).filter((f) => f !== 'checkpoint'),
    [],
    'no partial output',
  );
}

describe('convert', () => {
  test('the same tensors in every format, with or without a wrapper prefix, give byte-identical packages', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const reference = filesOf(await convertTo({ format: 'torch' }));
    for (const spec of [
      { format: 'safetensors' },
      { format: 'sharded' },
      { format: 'torch', prefix: 'model.' },
    ] as const) {
      const files = filesOf(await convertTo(spec));
      assert.deepEqual([...files.keys()], [...reference.keys()]);
      for (const [name, bytes] of files)
        assert.ok(bytes.equals(reference.get(name)!), `${name} differs for ${JSON.stringify(spec)}`);
    }
  });

  test('an int4 package quantised on several threads is byte-identical to one quantised on one', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    // nano: weights large enough to be split across threads (tiny's are not).
    const source = await tinyCheckpoint({ preset: 'nano' });
    const packages = [];
    for (const threads of [1, 3]) {
      const out = join(scratch(), 'package');
      const log: string[] = [];
      await convert(source, out, { precision: 'int4', threads, log: (line) => log.push(line) });
      assert.equal(
        log.some((line) => /weights quantised on 3 threads/.test(line)),
        threads === 3,
        log.join('\n'),
      );
      packages.push(filesOf(out));
    }
    const [one, three] = packages as [Map<string, Buffer>, Map<string, Buffer>];
    assert.deepEqual([...three.keys()], [...one.keys()]);
    for (const [name, bytes] of three) assert.ok(bytes.equals(one.get(name)!), `${name} differs`);
  });

  test('the aliased keys of a torch checkpoint are read once and the manifest lists every file', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const source = await tinyCheckpoint({ format: 'torch' });
    const checkpoint = await openCheckpoint(source);
    assert.ok(
      checkpoint.entries.some(
        (e) =>
          e.names.some((n) => n.includes('old_decoder_blocks')) && e.names.some((n) => n.includes('.decoder_layer.')),
      ),
    );
    await checkpoint.close();
    const dir = await convertTo({ format: 'torch' }, 'int4');
    const manifest = readManifest(dir);
    assert.equal(manifest.weights.precision, 'int4');
    assert.equal(manifest.prompt.ocrContext, undefined, 'a checkpoint trained without OCR context declares none');
    assert.deepEqual(
      Object.keys(manifest.files).sort(),
      readdirSync(dir)
        .filter((f) => f !== 'manifest.json')
        .sort(),
    );
    await verifyPackage(dir, manifest);
  });

  test('a checkpoint trained with OCR context declares its budget and line numbers in the manifest', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const checkpoint = await editedCheckpoint((_, c) => (c['ocr_context'] = { max_tokens: 256, line_numbers: true }));
    const out = join(checkpoint, '..', 'package');
    await convert(checkpoint, out, { precision: 'fp32' });
    assert.deepEqual(readManifest(out).prompt.ocrContext, { maxTokens: 256, lineNumbers: true });
  });

  const bad: Array<[string, () => Promise<string>, RegExp]> = [
    [
      'an integer tensor where weights are expected',
      () => editedIntCheckpoint('lang_encoder.model.norm.weight'),
      /lang_encoder\.model\.norm\.weight|dtype I32 where a floating-point tensor is expected/,
    ],
    [
      'a missing key',
      () => editedCheckpoint((t) => t.delete('lang_encoder.model.layers.3.gated_cross_attn_layer.ff_gate')),
      /missing tensors: lang_encoder\.model\.layers\.3\.gated_cross_attn_layer\.ff_gate/,
    ],
    [
      'an unknown key',
      () =>
        editedCheckpoint((t) =>
          t.set('lang_encoder.model.layers.2.extra.weight', { shape: [2], data: new Float32Array(2) }),
        ),
      /unmapped keys in the checkpoint.*lang_encoder\.model\.layers\.2\.extra\.weight/,
    ],
    [
      'a key outside the model',
      () => editedCheckpoint((t) => t.set('optimizer.step', { shape: [1], data: new Float32Array(1) })),
      /unmapped keys in the checkpoint: optimizer\.step/,
    ],
    [
      'a shape mismatch',
      () =>
        editedCheckpoint((t) => t.set('lang_encoder.model.norm.weight', { shape: [32], data: new Float32Array(32) })),
      /lang_encoder\.model\.norm\.weight|shape 32 does not match/,
    ],
    [
      'a config that does not match the tensors',
      () => editedCheckpoint((_, c) => ((c['language'] as Record<string, number>)['intermediate_size'] = 100)),
      /does not match config\.json/,
    ],
    [
      'a config with the wrong cross-attention period',
      () => editedCheckpoint((_, c) => (c['cross_attn_every_n_layers'] = 2)),
      /every 2 layers/,
    ],
    [
      'an OCR context without a token budget',
      () => editedCheckpoint((_, c) => (c['ocr_context'] = { max_tokens: 0 })),
      /"ocr_context" without a positive whole number "max_tokens"/,
    ],
    [
      'an OCR context whose line numbers are not a flag',
      () => editedCheckpoint((_, c) => (c['ocr_context'] = { max_tokens: 64, line_numbers: 'yes' })),
      /"line_numbers" that is not true or false/,
    ],
  ];
  for (const [what, make, message] of bad) {
    test(`${what} gives one clear error and no output`, async (t) => {
      if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
      const checkpoint = await make();
      const parent = join(checkpoint, '..');
      await assert.rejects(convert(checkpoint, join(parent, 'package'), { precision: 'fp32' }), message);
      assertNothingLeft(parent);
    });
  }

  test('missing, truncated and corrupt checkpoints, and an unwritable output, fail through the CLI with one message', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const dir = join(scratch(), 'checkpoint');
    cpSync(await tinyCheckpoint({ format: 'torch' }), dir, { recursive: true });
    const out = join(dir, '..', 'package');

    let r = cli([join(dir, 'nothing.bin'), out]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /nothing\.bin.*does not exist/);

    const weights = join(dir, 'pytorch_model.bin');
    const size = statSync(weights).size;
    truncateSync(weights, Math.floor(size * 0.6));
    r = cli([weights, out]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^conversion failed \(.*pytorch_model\.bin/);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);

    writeFileSync(weights, 'not a checkpoint at all');
    r = cli([weights, out]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /pytorch_model\.bin/);

    r = cli([await tinyCheckpoint({ format: 'torch' }), join(weights, 'under-a-file')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /parent does not exist|not a folder/);
    assertNothingLeft(join(dir, '..'));

    assert.equal(cli([dir]).status, 2, 'usage');
  });

  test('a package whose file was changed or truncated is refused before loading', async (t) => {
    if (!requireOrSkip(t, hasPythonModule('torch'), 'python3-torch')) return;
    const dir = await convertTo({});
    const manifest = readManifest(dir);
    const weights = join(dir, 'decoder.weights');
    const bytes = readFileSync(weights);
    bytes[100] = bytes[100]! ^ 1;
    writeFileSync(weights, bytes);
    await assert.rejects(
      verifyPackage(dir, manifest),
      (e: unknown) => e instanceof PackageError && /decoder\.weights.*sha256/.test(e.message),
    );
    truncateSync(weights, 10);
    await assert.rejects(verifyPackage(dir, manifest), /decoder\.weights.*10 bytes/);
    for (const ocrContext of [{ maxTokens: '256' }, { maxTokens: 256, lineNumbers: 'yes' }]) {
      writeFileSync(
        join(dir, 'manifest.json'),
        JSON.stringify({ ...manifest, prompt: { ...manifest.prompt, ocrContext } }),
      );
      assert.throws(
        () => readManifest(dir),
        (e: unknown) => e instanceof PackageError && e.code === 'model-invalid' && /OCR context/.test(e.message),
      );
    }
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, version: 99 }));
    assert.throws(
      () => readManifest(dir),
      (e: unknown) => e instanceof PackageError && e.code === 'model-incompatible',
    );
  });
});
