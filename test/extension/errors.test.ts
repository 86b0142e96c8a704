import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RuntimeRequestError } from '../../src/host/client.ts';
import { describeError, UserError } from '../../src/extension/errors.ts';

test('runtime errors keep their words, name the image when it is at fault and always carry a next step', () => {
  const codes = [
    'bad-image',
    'image-too-large',
    'model-missing',
    'model-invalid',
    'model-incompatible',
    'provider-unavailable',
    'not-enough-memory',
    'host-crashed',
    'not-configured',
    'bad-request',
    'internal',
  ] as const;
  for (const code of codes) {
    const described = describeError(new RuntimeRequestError({ code, message: 'It failed.' }), 'corrupt.png');
    const aboutImage = code === 'bad-image' || code === 'image-too-large';
    assert.equal(described.message, aboutImage ? 'corrupt.png: It failed.' : 'It failed.', code);
    assert.ok((described.hint ?? '').length > 10, code);
  }
  const named = describeError(
    new RuntimeRequestError({ code: 'bad-image', message: 'corrupt.png is not a PNG.', hint: 'Save it again.' }),
    'corrupt.png',
  );
  assert.deepEqual(named, { message: 'corrupt.png is not a PNG.', hint: 'Save it again.' });
  assert.match(
    describeError(new RuntimeRequestError({ code: 'model-missing', message: 'No model at /m.' })).hint ?? '',
    /Select Model Folder/,
  );
});

test('file system errors become plain words about the file', () => {
  const notFound = Object.assign(new Error('EntryNotFound (FileSystemError)'), { code: 'FileNotFound' });
  assert.deepEqual(describeError(notFound, 'photo.png'), {
    message: 'photo.png was not found; it may have been moved or deleted.',
    hint: 'Pick the file again.',
  });
  const denied = Object.assign(new Error('x'), { code: 'NoPermissions' });
  assert.match(describeError(denied, 'a.png').message, /a\.png cannot be read: permission denied/);
});

test('our own messages pass through; anything else says where the details are', () => {
  assert.deepEqual(describeError(new UserError('a.txt is not an image file.', 'Pick an image file.')), {
    message: 'a.txt is not an image file.',
    hint: 'Pick an image file.',
  });
  const unknown = describeError(new TypeError('boom'));
  assert.equal(unknown.message, 'Something went wrong: boom');
  assert.match(unknown.hint ?? '', /Show Logs/);
});
