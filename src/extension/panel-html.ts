// The panel's HTML shell: a strict Content-Security-Policy (only our nonce-tagged script, images
// only from data: URLs and the extension); webview/layout.ts fills <main>. The toolkit reads the
// csp-nonce meta to tag the one <style> it creates (its feature test for :focus-visible).
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

// Attribute values here are our own URIs; escaping keeps a stray quote from ending the attribute.
const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function panelHtml(options: PanelHtmlOptions): string {
  const nonce = options.nonce ?? randomBytes(18).toString('base64');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(options.cspSource, nonce)}">
  <meta property="csp-nonce" content="${nonce}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${attr(options.styleUri)}">
  <title>InfiMM-HD</title>
</head>
<body>
  <main id="app"></main>
  <script nonce="${nonce}" src="${attr(options.scriptUri)}"></script>
</body>
</html>`;
}
