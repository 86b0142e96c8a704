import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Window } from 'happy-dom';
import { pickInput, readAsDataUrl } from '../../webview/image-input.ts';

const window = new Window();

function transfer(items: { files?: File[]; data?: Record<string, string> }): DataTransfer {
  const data = new window.DataTransfer();
  for (const file of items.files ?? []) data.items.add(file as never);
  for (const [type, value] of Object.entries(items.data ?? {})) data.setData(type, value);
  return data as unknown as DataTransfer;
}

const file = (name: string, type: string, bytes = [1, 2, 3]) =>
  new window.File([new Uint8Array(bytes)], name, { type }) as unknown as File;

test('a pasted clipboard image is taken and named for where it came from', () => {
  const picked = pickInput(transfer({ files: [file('image.png', 'image/png')] }), 'paste');
  assert.equal(picked.kind, 'image');
  assert.equal(picked.kind === 'image' ? picked.name : '', 'pasted image');
});

test('a dropped image keeps its file name, even next to other files', () => {
  const picked = pickInput(
    transfer({ files: [file('notes.txt', 'text/plain'), file('chart.webp', 'image/webp')] }),
    'drop',
  );
  assert.deepEqual(picked.kind === 'image' ? picked.name : picked, 'chart.webp');
});

test('a non-image file is refused with its name and type', () => {
  const picked = pickInput(transfer({ files: [file('report.pdf', 'application/pdf')] }), 'drop');
  assert.equal(picked.kind, 'rejected');
  assert.match(picked.kind === 'rejected' ? picked.message : '', /report\.pdf is not an image \(application\/pdf\)/);
});

test('files dragged from the Explorer arrive as URIs', () => {
  const picked = pickInput(
    transfer({ data: { 'text/uri-list': '# comment\r\nfile:///w/a.png\r\nfile:///w/b.png' } }),
    'drop',
  );
  assert.deepEqual(picked, { kind: 'uris', uris: ['file:///w/a.png', 'file:///w/b.png'] });
});

test('pasted text is left to the question box; dropped text is refused', () => {
  assert.deepEqual(pickInput(transfer({ data: { 'text/plain': 'hello' } }), 'paste'), { kind: 'text' });
  const dropped = pickInput(transfer({ data: { 'text/plain': 'hello' } }), 'drop');
  assert.equal(dropped.kind, 'rejected');
});

test('an empty clipboard is refused with a message', () => {
  const picked = pickInput(null, 'paste');
  assert.equal(picked.kind, 'rejected');
  assert.match(picked.kind === 'rejected' ? picked.message : '', /no image/);
});

test('images are read as data: URLs for the message to the extension', async (t) => {
  // The webview has FileReader as a global; here it comes from the DOM library.
  Object.assign(globalThis, { FileReader: window.FileReader });
  t.after(() => Reflect.deleteProperty(globalThis, 'FileReader'));
  const url = await readAsDataUrl(file('a.png', 'image/png', [137, 80, 78, 71]) as unknown as Blob);
  assert.equal(url, 'data:image/png;base64,iVBORw==');
});
