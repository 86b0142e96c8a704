import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeImage } from '../../src/image/decode.ts';
import {
  checkImageSize,
  fromDataUrl,
  IMAGE_EXTENSIONS,
  imageKind,
  isImageMimeType,
  MAX_IMAGE_BYTES,
  toDataUrl,
} from '../../src/extension/image-files.ts';

test('image files are recognised by name, draw.io exports included', () => {
  const expected: Record<string, string> = {
    'a.png': 'image/png',
    'B.JPG': 'image/jpeg',
    'c.jpeg': 'image/jpeg',
    'd.gif': 'image/gif',
    'e.webp': 'image/webp',
    'g.tif': 'image/tiff',
    'h.tiff': 'image/tiff',
    'i.svg': 'image/svg+xml',
    'flow.drawio.svg': 'image/svg+xml',
    'flow.drawio.png': 'image/png',
    '/some/dir.with.dots/x.png': 'image/png',
  };
  for (const [name, mimeType] of Object.entries(expected))
    assert.deepEqual(imageKind(name), { ok: true, mimeType }, name);
});

test('non-images and draw.io sources get a message saying what to do', () => {
  const text = imageKind('/w/notes.txt');
  assert.ok(!text.ok && /notes\.txt is not an image file\. Supported: png, jpg/.test(text.message));
  const drawio = imageKind('C:\\w\\flow.drawio');
  assert.ok(!drawio.ok && /flow\.drawio is a draw\.io source file.*Export.*\.drawio\.svg/.test(drawio.message));
  assert.equal(imageKind('noextension').ok, false);
  assert.equal(isImageMimeType('image/avif'), false);
});

test('empty and oversized files are refused before reading', () => {
  assert.match(checkImageSize('a.png', 0) ?? '', /empty/);
  assert.match(checkImageSize('a.png', MAX_IMAGE_BYTES + 1) ?? '', /up to 100 MB/);
  assert.equal(checkImageSize('a.png', 1000), undefined);
});

test('data: URLs round-trip and anything else is refused', () => {
  const bytes = new Uint8Array([0, 1, 2, 250, 255]);
  const url = toDataUrl(bytes.subarray(1), 'image/png');
  assert.equal(url, 'data:image/png;base64,AQL6/w==');
  assert.deepEqual(fromDataUrl(url), { mimeType: 'image/png', bytes: new Uint8Array([1, 2, 250, 255]) });
  assert.equal(fromDataUrl('data:text/html;base64,PHNjcmlwdD4='), undefined);
  assert.equal(fromDataUrl('data:image/png,raw'), undefined);
  assert.equal(fromDataUrl('https://example.org/a.png'), undefined);
});

test('every format offered is one the runtime decodes; BMP, which it cannot, is not offered', async () => {
  const pixel = () => sharp({ create: { width: 4, height: 3, channels: 3, background: '#c03' } });
  const encoders: Record<(typeof IMAGE_EXTENSIONS)[number], () => Promise<Buffer>> = {
    png: () => pixel().png().toBuffer(),
    jpg: () => pixel().jpeg().toBuffer(),
    jpeg: () => pixel().jpeg().toBuffer(),
    gif: () => pixel().gif().toBuffer(),
    webp: () => pixel().webp().toBuffer(),
    tiff: () => pixel().tiff().toBuffer(),
    tif: () => pixel().tiff().toBuffer(),
    svg: async () =>
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3"><rect width="4" height="3" fill="#c03"/></svg>',
      ),
  };
  for (const ext of IMAGE_EXTENSIONS) {
    const image = await decodeImage(await encoders[ext](), { name: `a.${ext}`, maxPixels: 1_000_000 });
    // SVG is rasterised at a density of its own choosing; its shape is kept.
    assert.ok(Math.abs(image.width / image.height - 4 / 3) < 0.01, ext);
  }
  const bmp = imageKind('photo.bmp');
  assert.ok(!bmp.ok && /not an image file\. Supported: png, jpg, jpeg, gif, webp, tiff, tif, svg\./.test(bmp.message));
  assert.equal(isImageMimeType('image/bmp'), false);
});
