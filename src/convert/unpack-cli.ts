// npm run unpack -- <package-dir> <checkpoint-dir> [--force]
// An fp32 package back into a checkpoint folder that training continues from (src/convert/unpack.ts).
import { commandLine } from '../cli/command-line.ts';
import { PackageError } from '../package/verify.ts';
import { ConvertError } from './errors.ts';
import { unpack } from './unpack.ts';

const USAGE = 'usage: npm run unpack -- <package-dir> <checkpoint-dir> [--force]';

async function main(): Promise<number> {
  const parsed = commandLine(
    { allowPositionals: true, options: { force: { type: 'boolean', default: false } } },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [packageDir, outDir] = positionals;
  if (!packageDir || !outDir || positionals.length > 2) {
    console.error(USAGE);
    return 2;
  }
  try {
    const manifest = await unpack(packageDir, outDir, values.force);
    console.log(`${outDir}: model.safetensors, config.json, tokenizer.model of ${manifest.name}`);
    return 0;
  } catch (error) {
    if (error instanceof ConvertError || error instanceof PackageError) {
      console.error(`${error.message}${error instanceof ConvertError && error.file ? ` (${error.file})` : ''}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main();
