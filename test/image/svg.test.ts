import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeImage, type DecodedImage } from '../../src/image/decode.ts';
import { hasProgram, requireOrSkip } from '../../harness/requirements.ts';
import { pixelAt, rawRgb, solid } from './make-images.ts';

const limits = { name: 'drawing.svg', maxPixels: 4_000_000 };
const svg = (width: number, height: number, body: string, extraNamespaces = '') =>
  `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"${extraNamespaces} width="${width}" height="${height}">${body}</svg>`;
const decodeSvg = (text: string, maxPixels = limits.maxPixels) =>
  decodeImage(Buffer.from(text), { ...limits, maxPixels });
const centre = (image: DecodedImage) => pixelAt(image.data, image.width, image.width >> 1, image.height >> 1);

const dir = mkdtempSync(join(tmpdir(), 'svg-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a small SVG is enlarged so its longer side is 1344 px, keeping its aspect', async () => {
  const image = await decodeSvg(svg(200, 100, '<rect width="200" height="100" fill="#0a0"/>'));
  assert.equal(image.format, 'svg');
  assert.equal(image.width, 1344);
  assert.equal(image.height, 672);
  assert.deepEqual(centre(image), [0, 170, 0]);
});

test('an SVG already larger than 1344 px keeps its own size', async () => {
  const image = await decodeSvg(svg(2000, 500, '<rect width="2000" height="500" fill="#00f"/>'));
  assert.equal(image.width, 2000);
  assert.equal(image.height, 500);
});

test('an SVG is drawn smaller rather than refused when its size would pass the pixel limit', async () => {
  const image = await decodeSvg(svg(100, 100, '<rect width="100" height="100" fill="#f00"/>'), 250_000);
  assert.ok(image.width * image.height <= 250_000, `${image.width}×${image.height}`);
  assert.ok(image.width >= 498 && image.width === image.height, `${image.width}×${image.height}`);
});

test('small SVG text is rasterised legibly (read back by tesseract)', async (t) => {
  if (!requireOrSkip(t, hasProgram('tesseract'), 'tesseract')) return;
  // 9-px text on an 800×300 canvas: unreadable at the SVG's own size, drawn at 1344 px wide.
  const image = await decodeSvg(
    svg(
      800,
      300,
      '<rect width="800" height="300" fill="#fff"/><text x="20" y="150" font-family="sans-serif" font-size="9">const answer = computeTotal(items);</text>',
    ),
  );
  assert.equal(image.width, 1344);
  const png = join(dir, 'text.png');
  writeFileSync(png, await rawRgb(image.data, image.width, image.height).png().toBuffer());
  const ocr = spawnSync('tesseract', [png, '-', '--psm', '6'], { encoding: 'utf8' });
  assert.equal(ocr.status, 0, ocr.stderr);
  assert.match(ocr.stdout, /const answer = computeTotal\(items\);/);
});

test('an SVG cannot read local files or the network', async () => {
  const red = await solid(10, 10, [255, 0, 0]).png().toBuffer();
  const redPng = join(dir, 'red.png');
  writeFileSync(redPng, red);
  writeFileSync(join(dir, 'red.css'), 'rect { fill: #f00 }');
  writeFileSync(join(dir, 'fragment.xml'), '<rect width="100" height="100" fill="#f00"/>');
  writeFileSync(join(dir, 'other.svg'), svg(100, 100, '<rect id="r" width="100" height="100" fill="#f00"/>'));
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.setHeader('content-type', request.url?.endsWith('.css') ? 'text/css' : 'image/png');
    response.end(request.url?.endsWith('.css') ? 'rect { fill: #f00 }' : red);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const web = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const file = (name: string) => pathToFileURL(join(dir, name)).href;
  const image = (href: string, attribute = 'href') =>
    svg(100, 100, `<image width="100" height="100" ${attribute}="${href}"/>`);
  const whiteRect = '<rect width="100" height="100" fill="#fff"/>';
  try {
    // Positive controls: the same markup draws red when the content is inline, so white below means "not loaded".
    assert.deepEqual(centre(await decodeSvg(image(`data:image/png;base64,${red.toString('base64')}`))), [255, 0, 0]);
    assert.deepEqual(
      centre(await decodeSvg(svg(100, 100, `<style>rect { fill: #f00 }</style>${whiteRect}`))),
      [255, 0, 0],
    );

    const attempts: Record<string, string> = {
      'image file: URL': image(file('red.png')),
      'image absolute path, xlink:href': image(redPng, 'xlink:href'),
      'image relative path': image(relative(process.cwd(), redPng)),
      'image http URL': image(`${web}/red.png`),
      'CSS @import of a file': svg(100, 100, `<style>@import url("${file('red.css')}");</style>${whiteRect}`),
      'CSS @import over http': svg(100, 100, `<style>@import url("${web}/red.css");</style>${whiteRect}`),
      'use of another SVG file': svg(100, 100, `<use href="${file('other.svg')}#r"/>`),
      'XInclude of a file': svg(
        100,
        100,
        `<xi:include href="${file('fragment.xml')}" parse="xml"/>`,
        ' xmlns:xi="http://www.w3.org/2001/XInclude"',
      ),
    };
    for (const [what, text] of Object.entries(attempts)) {
      assert.deepEqual(centre(await decodeSvg(text)), [255, 255, 255], what);
    }
    // An external entity is refused outright: the XML parser does not resolve it.
    const entity = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY ext SYSTEM "${file('fragment.xml')}">]>${svg(100, 100, '&ext;')}`;
    await assert.rejects(decodeSvg(entity), {
      code: 'bad-image',
      message: /"drawing\.svg" is not an image this extension can read/,
    });
    assert.deepEqual(requests, [], 'no network request was made');
  } finally {
    server.close();
  }
});
