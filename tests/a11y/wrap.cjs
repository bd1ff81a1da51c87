// Pages at a phone's width: in headless Chromium, each saved page laid out
// WIDTH CSS pixels wide must be no wider than that (no sideways scrolling),
// measured from the layout the browser made. The pages carry no script; the
// measure is taken by the browser's automation, as axe.cjs runs axe.
//
//   NODE_PATH=/opt/axe/node_modules node tests/a11y/wrap.cjs WIDTH SHOTS_DIR PAGE.html...
//
// Prints each page's scroll width (and, for one too wide, the widest
// elements), saves a screenshot of each into SHOTS_DIR, and exits 1 if a
// page is wider than WIDTH.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

async function main() {
  const [widthArg, shots, ...files] = process.argv.slice(2);
  const width = Number(widthArg);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width, height: 700 } });
  await context.route('**/*', (route) => route.abort());
  const page = await context.newPage();
  let wide = 0;
  for (const file of files) {
    await page.setContent(fs.readFileSync(file, 'utf8'), { waitUntil: 'load' });
    const measured = await page.evaluate((width) => {
      const widest = [];
      for (const e of document.body.querySelectorAll('*')) {
        const r = e.getBoundingClientRect();
        // Elements moved off screen on purpose (the skip link, the honeypot).
        if (r.right > width + 0.5 && r.left > -1000 && r.left < width + 1000) {
          widest.push(`${e.tagName.toLowerCase()}${e.className ? '.' + e.className : ''} right ${Math.round(r.right)}`);
        }
      }
      return { scroll: document.documentElement.scrollWidth, widest: widest.slice(0, 5) };
    }, width);
    const ok = measured.scroll <= width;
    console.log(`${path.basename(file)}: ${measured.scroll} px wide at ${width}: ${ok ? 'ok' : 'TOO WIDE ' + measured.widest.join('; ')}`);
    if (!ok) wide++;
    await page.screenshot({ path: path.join(shots, path.basename(file, '.html') + '.png') });
  }
  await browser.close();
  process.exit(wide ? 1 : 0);
}

main().catch((e) => {
  console.error(`wrap check failed to run: ${e && e.stack || e}`);
  process.exit(2);
});
