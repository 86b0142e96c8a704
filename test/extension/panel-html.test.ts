import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy, panelHtml } from '../../src/extension/panel-html.ts';

const options = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://x/dist/webview.js',
  styleUri: 'https://x/media/panel.css',
};

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name = '', ...values]) => [name, values]),
  );
}

test('the Content-Security-Policy allows only our nonce-tagged script and local or data: images', () => {
  const csp = directives(contentSecurityPolicy(options.cspSource, 'abc123'));
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('script-src'), ["'nonce-abc123'"]);
  assert.deepEqual(csp.get('img-src'), [options.cspSource, 'data:']);
  for (const [name, values] of csp) {
    for (const banned of ["'unsafe-inline'", "'unsafe-eval'", 'https:', 'http:', '*'])
      assert.ok(!values.includes(banned), `${name} allows ${banned}`);
  }
});

test('the page carries the policy, and its one script has the same fresh nonce', () => {
  const html = panelHtml(options);
  const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(policy);
  const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
  assert.ok(nonce !== undefined && nonce.length >= 16);
  const scripts = [...html.matchAll(/<script([^>]*)>/g)];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0]![1]!, new RegExp(`nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`));
  assert.match(scripts[0]![1]!, /src="https:\/\/x\/dist\/webview\.js"/);
  assert.notEqual(/'nonce-([^']+)'/.exec(panelHtml(options))?.[1], nonce, 'each page gets its own nonce');
  assert.match(html, /<main id="app"><\/main>/);
});

test('URIs cannot break out of their attributes', () => {
  const html = panelHtml({ ...options, scriptUri: 'https://x/a.js"><script>alert(1)</script>' });
  assert.equal([...html.matchAll(/<script/g)].length, 1);
});
