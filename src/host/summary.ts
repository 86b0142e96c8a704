// What a user is told about a model package: its name, size, precision and card, all read from its manifest.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ModelSummary } from '../common/protocol.ts';
import { expectedTensors } from '../convert/keys.ts';
import type { Manifest } from '../package/manifest.ts';

/** The parameters of the architecture: every tensor the graphs load, as the converter checks them. */
export function parameterCount(manifest: Manifest): number {
  let total = 0;
  for (const shape of expectedTensors(manifest.architecture).values()) total += shape.reduce((n, d) => n * d, 1);
  return total;
}

/** A card that is neither a web link nor an existing file is left out rather than shown as a broken link. */
function cardOf(manifest: Manifest, dir: string): string | undefined {
  const card = manifest.card;
  if (card === undefined || card === '') return undefined;
  if (/^https?:\/\//i.test(card)) return card;
  const path = resolve(dir, card);
  return existsSync(path) ? path : undefined;
}

export function summarize(manifest: Manifest, dir: string): ModelSummary {
  const card = cardOf(manifest, dir);
  return {
    name: manifest.name,
    parameters: parameterCount(manifest),
    bytes: Object.values(manifest.files).reduce((n, file) => n + file.bytes, 0),
    precision: manifest.weights.precision,
    ...(card === undefined ? {} : { card }),
  };
}
