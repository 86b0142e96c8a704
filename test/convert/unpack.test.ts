// A package unpacked into a checkpoint (src/convert/unpack.ts): the converter's tensors come back, converting the
// unpacked folder gives the same package byte for byte, and the reference and the trainer read it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { openCheckpoint } from '../../src/checkpoint/index.ts';
import { convert } from '../../src/convert/convert.ts';
import { ConvertError } from '../../src/convert/errors.ts';
import { unpack } from '../../src/convert/unpack.ts';
import { hasPythonModule, PYTHON, requireOrSkip } from '../../harness/requirements.ts';
import { tinyCheckpoint, tinyPackage } from '../../harness/tiny-models.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'infimm-unpack-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function tensorsOf(folder: string): Promise<Map<string, Float32Array>> {
  const checkpoint = await openCheckpoint(folder);
  const out = new Map<string, Float32Array>();
  for (const entry of checkpoint.entries) out.set(entry.names[0]!, await checkpoint.readFloat32(entry.names[0]!));
  await checkpoint.close();
  return out;
}

test('an fp32 package unpacks to the tensors it was converted from, and converts back to the same bytes', async () => {
  const source = await tinyCheckpoint({ format: 'safetensors', dtype: 'f32' });
  const dir = scratch();
  const pkg = join(dir, 'package');
  await convert(source, pkg, { precision: 'fp32' });
  const unpacked = join(dir, 'checkpoint');
  await unpack(pkg, unpacked);
  assert.deepEqual(readdirSync(unpacked).sort(), ['config.json', 'model.safetensors', 'tokenizer.model']);

  const original = await tensorsOf(source);
  const back = await tensorsOf(unpacked);
  const V = 'vision_encoder.';
  // The computation does not use the final norm and the CLIP head; the package does not hold them.
  const used = [...original.keys()].filter((k) => !/^vision_encoder\.(norm|head)\./.test(k)).sort();
  assert.deepEqual([...back.keys()].sort(), used);
  for (const name of used) {
    if (name === `${V}cls_token` || name === `${V}pos_embed`) continue;
    const a = original.get(name)!;
    const b = back.get(name)!;
    // The gates come back through atanh(tanh(α)): within a few float32 steps.
    const tolerance = /_gate$/.test(name) ? 1e-6 : 0;
    assert.ok(
      a.every((x, i) => Math.abs(x - b[i]!) <= tolerance),
      `${name} differs`,
    );
  }
  // The CLS token is folded into the first position row: zero, and that row the sum.
  const cls = original.get(`${V}cls_token`)!;
  const pos = original.get(`${V}pos_embed`)!;
  const width = cls.length;
  assert.ok(back.get(`${V}cls_token`)!.every((x) => x === 0));
  assert.deepEqual(
    back.get(`${V}pos_embed`)!.slice(0, width),
    pos.slice(0, width).map((x, i) => x + cls[i]!),
  );
  assert.deepEqual(back.get(`${V}pos_embed`)!.slice(width), pos.slice(width));

  const again = join(dir, 'again');
  await convert(unpacked, again, { precision: 'fp32' });
  for (const file of readdirSync(pkg))
    assert.ok(readFileSync(join(pkg, file)).equals(readFileSync(join(again, file))), `${file} differs`);
});

test('unpacking refuses a quantised package and an existing folder, and writes nothing', async () => {
  const dir = scratch();
  const out = join(dir, 'checkpoint');
  await assert.rejects(unpack(await tinyPackage({ precision: 'int4' }), out), (error: unknown) => {
    assert.ok(error instanceof ConvertError);
    assert.match(error.message, /int4; only an fp32 package holds the trained weights exactly/);
    return true;
  });
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir), []);
  await unpack(await tinyPackage(), out);
  await assert.rejects(unpack(await tinyPackage(), out), /the output folder exists; pass --force/);
  await unpack(await tinyPackage(), out, true);
});

test("training continues from an unpacked package, whose logits are the checkpoint's", async (t) => {
  if (!requireOrSkip(t, hasPythonModule('torch') && hasPythonModule('sentencepiece'), 'python3-torch')) return;
  const dir = scratch();
  const python = (script: string, ...args: string[]) =>
    execFileSync(PYTHON, ['-c', script, ...args], {
      env: { ...process.env, PYTHONPATH: join(ROOT, 'python') },
      encoding: 'utf8',
    });
  const train = `
import sys
from infimm.train import pipeline
pipeline.run(sys.argv[1], 0, "tiny", lambda line: None, steps=1, stages="ift", **({"init": sys.argv[2]} if len(sys.argv) > 2 else {}))
`;
  python(train, join(dir, 'run'));
  const trained = join(dir, 'run', 'checkpoint');
  await convert(trained, join(dir, 'package'), { precision: 'fp32' });
  await unpack(join(dir, 'package'), join(dir, 'unpacked'));
  const compare = `
import json, sys, torch
from infimm.reference import load_reference
def logits(folder):
    model = load_reference(folder)
    c = model.config
    pixels = torch.randn(5, 3, c.visual.image_size, c.visual.image_size, dtype=torch.float64,
                         generator=torch.Generator().manual_seed(1))
    media = model.image_media(model.vision_encoder(pixels), 2, 2)
    return model.logits(torch.tensor([1, 5, c.image_token_id, 7, 9, 11]), [media])
a, b = logits(sys.argv[1]), logits(sys.argv[2])
print(json.dumps({"diff": float((a - b).abs().max()), "scale": float(a.abs().max())}))
`;
  const { diff, scale } = JSON.parse(python(compare, trained, join(dir, 'unpacked'))) as {
    diff: number;
    scale: number;
  };
  assert.ok(diff <= 1e-5 * scale, `logits differ by ${diff} (scale ${scale})`);
  python(train, join(dir, 'continued'), join(dir, 'unpacked'));
  assert.ok(existsSync(join(dir, 'continued', 'checkpoint', 'pytorch_model.bin')));
});
