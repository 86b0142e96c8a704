// Bundles the extension, the runtime host, the converter and the webview with esbuild.
// Usage: node scripts/build.mjs [--production] [--watch]
// Also writes dist/bundled-packages.json: the npm packages whose code the bundles contain, for the
// third-party notices (scripts/notices.mjs) and the packaging script's check of them.
import { writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// CommonJS has no import.meta: code that finds files next to itself gets the bundle's own URL, and
// code that resolves a package (the OCR models) resolves it from the bundle's node_modules.
const importMetaShim = {
  banner: {
    js: [
      'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;',
      'const __importMetaResolve = (specifier) => require("node:url").pathToFileURL(require.resolve(specifier)).href;',
    ].join('\n'),
  },
  define: { 'import.meta.url': '__importMetaUrl', 'import.meta.resolve': '__importMetaResolve' },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
  metafile: true,
};

const builds = [
  {
    ...common,
    ...importMetaShim,
    entryPoints: ['src/extension/main.ts'],
    outfile: 'dist/extension.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    ...importMetaShim,
    entryPoints: ['src/host/main.ts'],
    outfile: 'dist/runtime-host.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Native packages load their platform binaries from node_modules, which ships inside the .vsix.
    external: ['onnxruntime-node', 'sharp'],
  },
  {
    ...common,
    ...importMetaShim,
    // The converter the extension runs as a child process, and its quantisation worker thread, side by side.
    entryPoints: { convert: 'src/convert/cli.ts', 'quantize-worker': 'src/onnx/quantize-worker.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.cjs' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('watching for changes…');
} else {
  const results = await Promise.allSettled(builds.map((options) => esbuild.build(options)));
  if (results.some((result) => result.status === 'rejected')) process.exit(1);
  // An input's package is the folder after its last node_modules/ (a scoped name has two parts).
  const packageDir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//;
  const inputs = results.flatMap((result) => Object.keys(result.value.metafile.inputs));
  const dirs = [
    ...new Set(inputs.map((input) => packageDir.exec(input)?.[1]).filter((dir) => dir !== undefined)),
  ].sort();
  writeFileSync('dist/bundled-packages.json', `${JSON.stringify(dirs, null, 2)}\n`);
}
