import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImageCache, LruCache, type CachedImage } from '../../src/host/image-cache.ts';

function entry(bytes: number): CachedImage {
  return {
    memory: { tokens: 1, keys: [], values: [], bytes },
    grid: { rows: 1, cols: 1, tileSize: 28, views: 2 },
    width: 28,
    height: 28,
  };
}

test('the image cache drops the least recently used memories past its byte budget', () => {
  const cache = new ImageCache(100);
  cache.set('a', entry(40));
  cache.set('b', entry(40));
  assert.ok(cache.get('a'), 'a is now the most recent');
  cache.set('c', entry(40));
  assert.equal(cache.get('b'), undefined, 'b was the least recently used');
  assert.ok(cache.get('a') && cache.get('c'));
  cache.set('big', entry(500));
  assert.ok(cache.get('big'), 'an entry over the budget on its own is still kept until the next one');
  assert.equal(cache.get('a'), undefined);
});

test('by default each entry weighs one: a cache bounded by count', () => {
  const cache = new LruCache<string>(2);
  cache.set('a', 'A');
  cache.set('b', 'B');
  cache.get('a');
  cache.set('c', 'C');
  assert.deepEqual(
    ['a', 'b', 'c'].map((k) => cache.get(k)),
    ['A', undefined, 'C'],
  );
});
