// Opens a model package: refuses a missing folder, an unknown format or version, and any file whose size or
// sha256 differs from the manifest (a truncated copy or a tampered file) — before ONNX Runtime reads it.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeFailure } from '../common/errors.ts';
import { PACKAGE_FORMAT, PACKAGE_VERSION, type Manifest } from './manifest.ts';

export class PackageError extends RuntimeFailure<'model-missing' | 'model-invalid' | 'model-incompatible'> {}

const RECONVERT = 'Convert the checkpoint again with `npm run convert`, or select another model folder.';

export function readManifest(dir: string): Manifest {
  const file = join(dir, 'manifest.json');
  if (!existsSync(dir))
    throw new PackageError(
      'model-missing',
      `The model folder ${dir} does not exist.`,
      'Select a model folder that holds a manifest.json.',
    );
  if (!existsSync(file))
    throw new PackageError(
      'model-missing',
      `${dir} is not a model package: it has no manifest.json.`,
      'Select a folder written by `npm run convert`.',
    );
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (error) {
    throw new PackageError(
      'model-invalid',
      `manifest.json in ${dir} is not valid JSON (${(error as Error).message}).`,
      RECONVERT,
    );
  }
  if (manifest.format !== PACKAGE_FORMAT)
    throw new PackageError(
      'model-invalid',
      `${dir} is not an InfiMM-HD model package (format "${String(manifest.format)}").`,
      RECONVERT,
    );
  if (manifest.version !== PACKAGE_VERSION) {
    throw new PackageError(
      'model-incompatible',
      `The model package in ${dir} has format version ${manifest.version}; this version of the extension reads version ${PACKAGE_VERSION}.`,
      manifest.version > PACKAGE_VERSION ? 'Update the extension.' : RECONVERT,
    );
  }
  // The runtime takes this as a token budget; a hand-edited manifest is refused here rather than mid-answer.
  const ocrContext = manifest.prompt?.ocrContext as { maxTokens?: unknown; lineNumbers?: unknown } | null | undefined;
  const maxTokens = ocrContext?.maxTokens;
  if (ocrContext !== undefined && !(typeof maxTokens === 'number' && Number.isInteger(maxTokens) && maxTokens > 0)) {
    throw new PackageError(
      'model-invalid',
      `manifest.json in ${dir} declares an OCR context without a positive whole number of maxTokens.`,
      RECONVERT,
    );
  }
  if (ocrContext?.lineNumbers !== undefined && typeof ocrContext.lineNumbers !== 'boolean') {
    throw new PackageError(
      'model-invalid',
      `manifest.json in ${dir} declares an OCR context whose lineNumbers is not true or false.`,
      RECONVERT,
    );
  }
  return manifest;
}

/** Checks every file's size, then its sha256. */
export async function verifyPackage(dir: string, manifest: Manifest): Promise<void> {
  for (const [name, expected] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    if (!existsSync(path)) throw new PackageError('model-invalid', `The model package is missing ${name}.`, RECONVERT);
    const bytes = statSync(path).size;
    if (bytes !== expected.bytes)
      throw new PackageError(
        'model-invalid',
        `${name} in the model package has ${bytes} bytes; the manifest says ${expected.bytes}.`,
        RECONVERT,
      );
  }
  for (const [name, expected] of Object.entries(manifest.files)) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(join(dir, name), { highWaterMark: 1 << 22 }))
      hash.update(chunk as Buffer);
    if (hash.digest('hex') !== expected.sha256) {
      throw new PackageError(
        'model-invalid',
        `${name} in the model package does not match its sha256 in the manifest: the file was changed or corrupted.`,
        RECONVERT,
      );
    }
  }
}
