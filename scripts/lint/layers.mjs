// The layer table of docs/architecture.md as an ESLint rule: which folder may import which, and which packages
// a single folder imports. The rule is built from the Markdown table itself, so the document and the lint
// cannot drift apart.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import MarkdownIt from 'markdown-it';

/** The backticked names of each cell, row by row, of the Markdown table whose header has every column named. */
function tableCells(markdown, columns) {
  const tokens = new MarkdownIt().parse(markdown, {});
  const rows = [];
  let row;
  for (const token of tokens) {
    if (token.type === 'tr_open') rows.push((row = []));
    else if (token.type === 'inline' && row)
      row.push({
        text: token.content,
        code: token.children.filter((c) => c.type === 'code_inline').map((c) => c.content),
      });
    else if (token.type === 'table_close') {
      const header = rows[0]?.map((cell) => cell.text);
      if (columns.every((c) => header?.includes(c)))
        return rows.slice(1).map((cells) => Object.fromEntries(columns.map((c) => [c, cells[header.indexOf(c)]])));
      rows.length = 0;
      row = undefined;
    }
  }
  throw new Error(`no table with the columns ${columns.join(', ')}`);
}

/**
 * The layers: a folder (`src/vision/`), the paths it may import besides its own (folders or single files) and the
 * packages and files only it may import. A name in "may import" is a row's folder without `src/` (`common`, `harness`), a
 * file under one (`host/client.ts`), or `src` for every folder under src/.
 */
export function readLayers(markdownPath) {
  const rows = tableCells(readFileSync(markdownPath, 'utf8'), ['folder', 'may import', 'only importer of']);
  const folders = new Map(
    rows.map((row) => [row.folder.code[0].replace(/^src\//, '').replace(/\/$/, ''), row.folder.code[0]]),
  );
  const pathOf = (name) => {
    if (name === 'src') return 'src/';
    if (folders.has(name)) return folders.get(name);
    const key = [...folders.keys()].find((k) => name.startsWith(`${k}/`));
    if (key === undefined) throw new Error(`${markdownPath}: "${name}" names no folder of the layer table`);
    return folders.get(key) + name.slice(key.length + 1);
  };
  // "Only importer of" names packages and, as `folder/file.ts`, files that no other folder may import.
  const isFile = (name) => name.endsWith('.ts');
  return rows.map((row) => {
    const owned = row['only importer of'].code;
    return {
      folder: row.folder.code[0],
      mayImport: row['may import'].code.map(pathOf),
      owns: owned.filter((n) => !isFile(n)),
      ownsFiles: owned.filter(isFile).map(pathOf),
    };
  });
}

const PRODUCT = ['src/', 'webview/'];

const packageName = (specifier) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/**
 * The ESLint plugin whose rule `imports` enforces, on the files under `root`, the layers given as its option (as
 * an option, they are part of the configuration that ESLint's cache is keyed on).
 */
export function layersPlugin(root) {
  const rule = {
    meta: {
      type: 'problem',
      docs: { description: 'imports follow the layer table of docs/architecture.md' },
      schema: [{ type: 'array' }],
    },
    create(context) {
      const [layers] = context.options;
      const layerOf = (path) =>
        layers.filter((l) => path.startsWith(l.folder)).sort((a, b) => b.folder.length - a.folder.length)[0];
      const owners = new Map(layers.flatMap((l) => l.owns.map((pkg) => [pkg, l])));
      const fileOwners = new Map(layers.flatMap((l) => l.ownsFiles.map((path) => [path, l])));
      const file = relative(root, context.filename).split(sep).join('/');
      const own = layerOf(file);
      const inProduct = PRODUCT.some((p) => file.startsWith(p));
      if (!own) {
        return inProduct
          ? {
              Program: (node) =>
                context.report({
                  node,
                  message: `${dirname(file)}/ has no row in the layer table of docs/architecture.md`,
                }),
            }
          : {};
      }
      const allowed = [own.folder, ...own.mayImport];
      const check = (node) => {
        const specifier = node?.value;
        if (typeof specifier !== 'string') return;
        if (specifier.startsWith('.')) {
          const target = relative(root, resolve(dirname(context.filename), specifier))
            .split(sep)
            .join('/');
          if (!allowed.some((p) => target === p || target.startsWith(p))) {
            context.report({
              node,
              message: `${own.folder} may not import ${target}: docs/architecture.md lets it import ${own.mayImport.join(', ') || 'nothing else of ours'}`,
            });
          }
          const fileOwner = fileOwners.get(target);
          if (fileOwner && fileOwner.folder !== own.folder && inProduct)
            context.report({ node, message: `only ${fileOwner.folder} imports ${target} (docs/architecture.md)` });
          return;
        }
        const owner = owners.get(packageName(specifier));
        if (owner && owner.folder !== own.folder && inProduct)
          context.report({
            node,
            message: `only ${owner.folder} imports ${packageName(specifier)} (docs/architecture.md)`,
          });
      };
      return {
        ImportDeclaration: (node) => check(node.source),
        ExportAllDeclaration: (node) => check(node.source),
        ExportNamedDeclaration: (node) => check(node.source),
        ImportExpression: (node) => check(node.source),
      };
    },
  };
  return { rules: { imports: rule } };
}
