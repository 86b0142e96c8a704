import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cancellation, endTokens, maxNewTokens, stopReason } from '../../src/generation/stopping.ts';

test('each rule gives its reason, and nothing before it applies', () => {
  assert.equal(endTokens([2, 5])([]), undefined);
  assert.equal(endTokens([2, 5])([1, 5]), 'end');
  assert.equal(endTokens([2, 5])([5, 1]), undefined);
  assert.equal(maxNewTokens(2)([1]), undefined);
  assert.equal(maxNewTokens(2)([1, 1]), 'length');
  assert.equal(maxNewTokens(0)([]), 'length');
  assert.equal(cancellation(() => false)([1]), undefined);
  assert.equal(cancellation(() => true)([]), 'cancelled');
});

test('the first rule that answers wins, in the order given', () => {
  const rules = [endTokens([9]), cancellation(() => true), maxNewTokens(1)];
  assert.equal(stopReason(rules, [9]), 'end');
  assert.equal(stopReason(rules, [3]), 'cancelled');
  assert.equal(stopReason([endTokens([9]), maxNewTokens(1)], [3]), 'length');
  assert.equal(stopReason([endTokens([9]), maxNewTokens(4)], [3]), undefined);
});
