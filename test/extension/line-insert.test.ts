import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asWholeLines } from '../../src/extension/line-insert.ts';

const ocrCode = 'def f():\n    return 1\n';

test('on a line with text, the block goes in before it as whole lines with its indentation', () => {
  assert.deepEqual(asWholeLines(ocrCode, '    x = 2', '\n'), {
    replaceLine: false,
    text: '    def f():\n        return 1\n',
  });
  assert.deepEqual(asWholeLines('one', 'text', '\r\n'), { replaceLine: false, text: 'one\r\n' });
});

test('on a blank line, the block takes its place, indented like it', () => {
  assert.deepEqual(asWholeLines(ocrCode, '\t', '\n'), { replaceLine: true, text: '\tdef f():\n\t    return 1' });
  assert.deepEqual(
    asWholeLines('a\r\n\r\nb', '', '\n'),
    { replaceLine: true, text: 'a\n\nb' },
    'empty lines get no trailing spaces',
  );
});
