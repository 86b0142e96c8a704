// The runtime host process as its callers see it: answers equal the reference's, follow-ups, cancel, crashes,
// ordering, bad input, and the host's end with its parent.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CancelledError } from '../../src/common/errors.ts';
import { decodeImage } from '../../src/image/decode.ts';
import { RuntimeRequestError, type RuntimeClient } from '../../src/host/client.ts';
import { imageViews } from '../../src/runtime/image.ts';
import { promptIds } from '../../src/tokens/prompt.ts';
import { InfimmTokenizer } from '../../src/tokens/tokenizer.ts';
import { readManifest } from '../../src/package/verify.ts';
import { rawRgb, rgbPixels, pngHeaderOnly } from '../image/make-images.ts';
import { runReference } from '../../harness/reference.ts';
import { hasPythonModule, requireOrSkip } from '../../harness/requirements.ts';
import { config, HOST_SCRIPT, testClient, TSX } from '../support/runtime-host.ts';
import { tinyCheckpoint, tinyPackage } from '../../harness/tiny-models.ts';

const torch = hasPythonModule('torch');

async function png(width: number, height: number, seed: number): Promise<Uint8Array> {
  const data = rgbPixels(width, height, (x, y) => [
    (x * 7 + seed * 31) % 256,
    (y * 11 + seed * 17) % 256,
    ((x ^ y) * 5) % 256,
  ]);
  return new Uint8Array(await rawRgb(data, width, height).png().toBuffer());
}

describe('runtime host', { skip: !torch && process.env.CI !== 'true' ? 'python3-torch is missing' : false }, () => {
  let modelDir: string;
  let client: RuntimeClient;
  before(async () => {
    if (!torch) throw new Error('python3-torch is missing; CI must install it');
    modelDir = await tinyPackage();
    client = testClient();
    await client.configure(config(modelDir));
  });
  after(() => client?.dispose());

  test('answers equal the reference: a multi-tile image, then a follow-up question', async () => {
    const manifest = readManifest(modelDir);
    const tokenizer = await InfimmTokenizer.fromFile(join(modelDir, 'tokenizer.model'));
    const T = manifest.tiling.tileSize;
    const bytes = await png(3 * T, 2 * T, 1); // a 2×3 grid
    const { grid, pixels } = await imageViews(
      () => decodeImage(bytes, { name: 'grid.png', maxPixels: 1e8 }),
      T,
      16,
      manifest.image,
    );
    assert.deepEqual([grid.rows, grid.cols], [2, 3]);
    const images = [{ pixels, views: grid.views, size: T, rows: grid.rows, cols: grid.cols }];
    const stop = [manifest.tokens.endOfChunk, manifest.tokens.eos];
    const options = { maxNewTokens: 32 };

    const first = 'What is in this picture?';
    const prompt1 = promptIds(tokenizer, { image: true, turns: [] }, first);
    const expected1 = Array.from(
      runReference(await tinyCheckpoint(), { images, inputIds: prompt1, outputs: [], greedy: 32, stopIds: stop }).get(
        'greedy',
      )!.data as BigInt64Array,
      Number,
    );
    const answer1 = await client.request({
      kind: 'ask',
      conversationId: 'c1',
      image: { name: 'grid.png', bytes },
      question: first,
      options,
    });
    assert.equal(answer1.answer, tokenizer.decode(expected1, { skipSpecial: true }));
    assert.deepEqual(answer1.stats.grid && [answer1.stats.grid.rows, answer1.stats.grid.cols], [2, 3]);

    const second = 'And what colour is it?';
    const closed =
      expected1.at(-1) === manifest.tokens.endOfChunk ? expected1 : [...expected1, manifest.tokens.endOfChunk];
    const prompt2 = [...prompt1, ...closed, ...tokenizer.encodeSegments([` USER: ${second} ASSISTANT:`])];
    const expected2 = Array.from(
      runReference(await tinyCheckpoint(), { images, inputIds: prompt2, outputs: [], greedy: 32, stopIds: stop }).get(
        'greedy',
      )!.data as BigInt64Array,
      Number,
    );
    const answer2 = await client.request({ kind: 'ask', conversationId: 'c1', question: second, options });
    assert.equal(answer2.answer, tokenizer.decode(expected2, { skipSpecial: true }));
    assert.equal(answer2.stats.imageMemoryReused, true);
    assert.equal(answer2.stats.visionMs, undefined, 'no second vision pass');
  });

  test('a cancel stops the answer before its end, no text reaches the caller after it, and the conversation goes on', async () => {
    const controller = new AbortController();
    let chunks = 0;
    let afterAbort = 0;
    // This text-only sample runs to the context limit (~430 tokens) without <|endofchunk|>: it cannot end early.
    const answer = client.request(
      {
        kind: 'ask',
        conversationId: 'c2',
        question: 'Describe it.',
        options: { maxNewTokens: 5000, temperature: 1, seed: 2 },
      },
      {
        onText: () => {
          chunks++;
          if (controller.signal.aborted) afterAbort++;
          if (chunks === 3) controller.abort();
        },
      },
      controller.signal,
    );
    // Rejected, not resolved: the host stopped before the end of its ~430 tokens.
    await assert.rejects(answer, CancelledError);
    assert.equal(afterAbort, 0, 'no text after the cancel');
    const next = await client.request({
      kind: 'ask',
      conversationId: 'c2',
      question: 'Again?',
      options: { maxNewTokens: 4 },
    });
    assert.ok(next.stats.newTokens > 0);
  });

  test("an answer stops at the model's context, and a follow-up past it gets a clear error", async () => {
    const long = await client.request({
      kind: 'ask',
      conversationId: 'ctx',
      question: 'Tell me everything.',
      options: { maxNewTokens: 5000, temperature: 1, seed: 1 },
    });
    assert.equal(long.stats.stopReason, 'length');
    await assert.rejects(
      client.request({ kind: 'ask', conversationId: 'ctx', question: 'And more?' }),
      (e: unknown) =>
        e instanceof RuntimeRequestError &&
        e.info.code === 'bad-request' &&
        /context of 512 tokens/.test(e.info.message),
    );
    await client.request({ kind: 'ask', conversationId: 'ctx-new', question: 'Hello?', options: { maxNewTokens: 2 } });
  });

  test('two callers are served in order', async () => {
    const bytes = await png(40, 40, 3);
    const order: string[] = [];
    const one = client
      .request({
        kind: 'ask',
        conversationId: 'o1',
        image: { name: 'o.png', bytes },
        question: 'One?',
        options: { maxNewTokens: 30 },
      })
      .then(() => order.push('one'));
    const two = client.request({ kind: 'inspect', image: { name: 'o.png', bytes } }).then(() => order.push('two'));
    await Promise.all([one, two]);
    assert.deepEqual(order, ['one', 'two']);
  });

  test('killing the host mid-answer gives a clear error, and the next request works', async () => {
    const bytes = await png(40, 40, 4);
    let killed = false;
    const answer = client.request(
      {
        kind: 'ask',
        conversationId: 'k',
        image: { name: 'k.png', bytes },
        question: 'Go on.',
        options: { maxNewTokens: 5000, temperature: 1, seed: 1 },
      },
      {
        onText: () => {
          if (!killed && client.pid) process.kill(client.pid, 'SIGKILL');
          killed = true;
        },
      },
    );
    await assert.rejects(
      answer,
      (e: unknown) =>
        e instanceof RuntimeRequestError &&
        e.info.code === 'host-crashed' &&
        /stopped unexpectedly/.test(e.info.message),
    );
    const next = await client.request({
      kind: 'ask',
      conversationId: 'k2',
      image: { name: 'k.png', bytes },
      question: 'Again.',
      options: { maxNewTokens: 3 },
    });
    assert.equal(next.stats.newTokens, 3);
  });

  test('bad images give one clear error each, and the host keeps serving', async () => {
    const good = await png(30, 30, 5);
    const animated = new Uint8Array(
      await rawRgb(
        rgbPixels(30, 60, (x, y) => [y < 30 ? 255 : 0, x, 0]),
        30,
        60,
      )
        .gif({})
        .toBuffer(),
    );
    const svgWithExternal = new TextEncoder().encode(
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40"><image href="file://${HOST_SCRIPT}" width="40" height="40"/><image xlink:href="/etc/passwd" width="40" height="40"/><rect width="10" height="10" fill="red"/></svg>`,
    );
    const cases: Array<[string, Uint8Array, RegExp | 'ok']> = [
      ['empty.png', new Uint8Array(0), /empty|no bytes|0 bytes/i],
      [
        'truncated.png',
        good.subarray(0, Math.floor(good.length / 2)),
        /truncat|incomplete|cut short|could not be decoded/i,
      ],
      [
        'notes.png',
        new TextEncoder().encode('just some text, not an image'),
        /not an image|not a supported|could not be decoded|unrecogni/i,
      ],
      ['huge.png', pngHeaderOnly(30000, 30000), /30000|pixel/i],
      ['external.svg', svgWithExternal, 'ok'],
      ['animated.gif', animated, 'ok'],
    ];
    for (const [name, bytes, expected] of cases) {
      const request = client.request({
        kind: 'ask',
        conversationId: `bad-${name}`,
        image: { name, bytes },
        question: 'What is it?',
        options: { maxNewTokens: 2 },
      });
      if (expected === 'ok') {
        await request;
        continue;
      }
      await assert.rejects(request, (e: unknown) => {
        assert.ok(e instanceof RuntimeRequestError, `${name}: ${String(e)}`);
        assert.match(e.info.message, expected, name);
        assert.ok(e.info.message.includes(name), `${name}: the message names the image`);
        assert.ok(['bad-image', 'image-too-large'].includes(e.info.code));
        return true;
      });
    }
    await client.request({
      kind: 'ask',
      conversationId: 'after-bad',
      image: { name: 'good.png', bytes: good },
      question: 'Fine?',
      options: { maxNewTokens: 2 },
    });
  });

  test('a missing or tampered model folder gives one clear error, and a good one works again', async () => {
    const other = testClient();
    try {
      await assert.rejects(
        other.configure(config(join(modelDir, 'nowhere'))),
        (e: unknown) => e instanceof RuntimeRequestError && e.info.code === 'model-missing',
      );
      const tampered = join(await tinyPackage({ seed: 9 }), '..', 'package');
      const weights = join(tampered, 'vision.weights');
      const data = readFileSync(weights);
      data[64] = data[64]! ^ 0xff;
      writeFileSync(weights, data);
      await assert.rejects(
        other.configure(config(tampered)),
        (e: unknown) =>
          e instanceof RuntimeRequestError && e.info.code === 'model-invalid' && /vision\.weights/.test(e.info.message),
      );
      // A package no machine has the memory for is refused before anything loads, in words, not by the OOM killer.
      const huge = mkdtempSync(join(tmpdir(), 'infimm-huge-'));
      cpSync(modelDir, huge, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(huge, 'manifest.json'), 'utf8')) as {
        files: Record<string, { bytes: number }>;
      };
      Object.values(manifest.files)[0]!.bytes = 2 ** 50;
      writeFileSync(join(huge, 'manifest.json'), JSON.stringify(manifest));
      await assert.rejects(
        other.configure(config(huge)),
        (e: unknown) =>
          e instanceof RuntimeRequestError &&
          e.info.code === 'not-enough-memory' &&
          /needs about [\d.]+ GiB of memory and [\d.]+ GiB is free/.test(e.info.message),
      );
      rmSync(huge, { recursive: true });
      await other.configure(config(modelDir));
      await other.request({ kind: 'ask', conversationId: 'm', question: 'Text only?', options: { maxNewTokens: 2 } });
    } finally {
      await other.dispose();
    }
  });

  test('the host exits when its parent dies', async () => {
    const parentCode = `
      import { RuntimeClient } from ${JSON.stringify(import.meta.resolve('../../src/host/client.ts'))};
      const client = new RuntimeClient({ hostScript: ${JSON.stringify(HOST_SCRIPT)}, execArgv: ${JSON.stringify(TSX)}, log: () => {} });
      await client.request({ kind: 'endConversation', conversationId: 'x' });
      console.log(client.pid);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, [...TSX, '--input-type=module', '-e', parentCode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const hostPid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    assert.ok(hostPid > 0);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    const alive = () => {
      try {
        process.kill(hostPid, 0);
        return true;
      } catch {
        return false;
      }
    };
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(), false, 'the host outlived its parent');
  });
});

test('runtime host needs python3-torch for its tiny models', (t) => {
  requireOrSkip(t, torch, 'python3-torch');
});
