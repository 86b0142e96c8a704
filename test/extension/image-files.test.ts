import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkImageSize, fromDataUrl, imageKind, isImageMimeType, MAX_IMAGE_BYTES, toDataUrl } from '../../src/extension/image-files.ts';

test('image files are recognised by name, draw.io exports included', () => {
  const expected: Record<string, string> = {
    'a.png': 'image/png',
    'B.JPG': 'image/jpeg',
    'c.jpeg': 'image/jpeg',
    'd.gif': 'image/gif',
    'e.webp': 'image/webp',
    'f.bmp': 'image/bmp',
    'g.tif': 'image/tiff',
    'h.tiff': 'image/tiff',
    'i.svg': 'image/svg+xml',
    'flow.drawio.svg': 'image/svg+xml',
    'flow.drawio.png': 'image/png',
    '/some/dir.with.dots/x.png': 'image/png',
  };
  for (const [name, mimeType] of Object.entries(expected)) assert.deepEqual(imageKind(name), { ok: true, mimeType }, name);
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
