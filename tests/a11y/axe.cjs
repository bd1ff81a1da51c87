// axe-core over saved pages in headless Chromium: every page in the light
// and the dark scheme, at 1280 and 320 CSS pixels wide, against WCAG 2.2 A
// and AA. The pages carry no script; axe is injected by the browser's
// automation, past the page's CSP, and nothing is fetched from anywhere.
//
//   NODE_PATH=/opt/axe/node_modules node tests/a11y/axe.cjs PAGE.html...
//
// Prints each violation (rule, help, the first elements) and exits 1 if
// there is any.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');
const axe = require('axe-core');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

async function main() {
  const files = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // Without these, Chromium calls home at start, and this machine's
    // closed network refuses it (and a sandbox needs a non-root user).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let violations = 0;
  let checked = 0;
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [1280, 320]) {
      const context = await browser.newContext({ bypassCSP: true, colorScheme, viewport: { width, height: 900 } });
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      for (const file of files) {
        await page.setContent(fs.readFileSync(file, 'utf8'), { waitUntil: 'load' });
        await page.addScriptTag({ content: axe.source });
        const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
        checked++;
        for (const v of result.violations) {
          violations++;
          const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ');
          console.log(`${path.basename(file)} [${colorScheme}, ${width}px] ${v.id}: ${v.help} (${v.nodes.length}: ${where})`);
        }
      }
      await context.close();
    }
  }
  await browser.close();
  console.log(`axe ${axe.version}: ${files.length} pages, ${checked} checks, ${violations} violations`);
  process.exit(violations ? 1 : 0);
}

main().catch((e) => {
  console.error(`axe check failed to run: ${e && e.stack || e}`);
  process.exit(2);
});
