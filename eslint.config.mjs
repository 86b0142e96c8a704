// ESLint: the recommended JavaScript and typescript-eslint rules, the layer table of docs/architecture.md
// (which folder may import which), read from the document itself, kebab-case file names, and at most 80 lines
// a function in the product (src/ and webview/).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { fileNamesPlugin } from './scripts/lint/file-names.mjs';
import { layersPlugin, readLayers } from './scripts/lint/layers.mjs';

const root = import.meta.dirname;

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.cache/', '.test-output/', 'shared/', 'python/', 'models/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  { files: ['webview/**'], languageOptions: { globals: globals.browser } },
  {
    plugins: { layers: layersPlugin(root), 'file-names': fileNamesPlugin },
    rules: {
      'layers/imports': ['error', readLayers(`${root}/docs/architecture.md`)],
      'file-names/kebab': 'error',
      // `const { a: _a, ...rest } = x` leaves a property out of a copy
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // A function past 80 lines holds more than one job.
    files: ['src/**', 'webview/**'],
    rules: { 'max-lines-per-function': ['error', { max: 80 }] },
  },
  {
    // The table's "no Node": these run in the browser (webview/) or on every side (src/common/).
    files: ['src/common/**', 'webview/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^node:', message: 'no Node here (docs/architecture.md)' }] },
      ],
    },
  },
);
