// `*.index.json` of a sharded checkpoint: {"metadata": {...}, "weight_map": {key: shard file name}}.
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { closeAllOnError, type OpenedSource, type StoredTensor } from './checkpoint.ts';
import { CheckpointError } from './errors.ts';
import { describeFsError } from './file-io.ts';

async function readWeightMap(indexPath: string): Promise<Map<string, string[]>> {
  const fail = (message: string): never => {
    throw new CheckpointError(message, indexPath);
  };
  let index: unknown;
  try {
    index = JSON.parse(await readFile(indexPath, 'utf8'));
  } catch (error) {
    fail(
      error instanceof SyntaxError ? `is not valid JSON (${error.message}); download it again` : describeFsError(error),
    );
  }
  const weightMap = typeof index === 'object' && index !== null && 'weight_map' in index ? index.weight_map : undefined;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    return fail('has no "weight_map" object, so it is not a sharded checkpoint index');
  }
  const shards = new Map<string, string[]>();
  for (const [name, shard] of Object.entries(weightMap)) {
    if (typeof shard !== 'string' || shard === '' || basename(shard) !== shard || shard === '..') {
      fail(`maps "${name}" to ${JSON.stringify(shard)}, which is not a file name in the index's folder`);
    }
    shards.set(shard, [...(shards.get(shard) ?? []), name]);
  }
  if (shards.size === 0) fail('lists no tensors');
  return shards;
}

/** Keeps the names the index assigns to this shard; a listed name the shard lacks is an error naming both files. */
function selectListed(
  source: OpenedSource,
  listed: readonly string[],
  indexPath: string,
  shardPath: string,
): StoredTensor[] {
  const wanted = new Set(listed);
  const selected: StoredTensor[] = [];
  for (const tensor of source.tensors) {
    const names = tensor.entry.names.filter((n) => wanted.delete(n));
    if (names.length > 0) selected.push({ entry: { ...tensor.entry, names }, read: tensor.read });
  }
  const [missing] = wanted;
  if (missing !== undefined) {
    throw new CheckpointError(
      `is listed in ${indexPath} but missing from this shard; the download is incomplete or the index is stale`,
      shardPath,
      missing,
    );
  }
  return selected;
}

/** Opens every shard the index lists with `openShard`; tensors are read from their own shard. */
export async function openSharded(
  indexPath: string,
  openShard: (path: string) => Promise<OpenedSource>,
): Promise<OpenedSource> {
  const shards = await readWeightMap(indexPath);
  const opened: OpenedSource[] = [];
  return closeAllOnError(opened, async () => {
    const tensors: StoredTensor[] = [];
    for (const [shard, listed] of shards) {
      const shardPath = join(dirname(indexPath), shard);
      const source = await openShard(shardPath);
      opened.push(source);
      if (source.format !== opened[0]!.format) {
        throw new CheckpointError(
          `is ${source.format} while other shards are ${opened[0]!.format}; one checkpoint needs one format`,
          shardPath,
        );
      }
      tensors.push(...selectListed(source, listed, indexPath, shardPath));
    }
    return {
      format: opened[0]!.format,
      tensors,
      async close() {
        await Promise.all(opened.map((s) => s.close()));
      },
    };
  });
}
