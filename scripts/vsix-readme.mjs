// The README that the Extensions view shows for an installed .vsix. VS Code renders it in a webview that
// loads images only from https: and data: URLs and follows only web links, so with no server to point at,
// local images are inlined as data: URLs and links to files inside the package become their plain text.
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const IMAGE_TYPES = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/** `markdown` with its local images inlined and its local links unlinked; `root` is the folder its paths start from. */
export function readmeForExtensionsView(markdown, root) {
  // Code spans come first in the alternation so that a link written as an example stays as it is.
  return markdown.replace(/(`[^`\n]*`)|(!?)\[([^\]]*)\]\(([^)\s]+)\)/g, (whole, code, bang, text, target) => {
    if (code !== undefined || /^([a-z][a-z0-9+.-]*:|#)/i.test(target)) return whole;
    if (bang === '') return text === target ? `\`${text}\`` : text;
    const type = IMAGE_TYPES[extname(target).toLowerCase()];
    if (type === undefined)
      throw new Error(`${target}: the Extensions view shows no ${extname(target) || 'extension-less'} image inlined`);
    return `![${text}](data:${type};base64,${readFileSync(join(root, target)).toString('base64')})`;
  });
}
