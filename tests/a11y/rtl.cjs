// A page laid out right to left: in headless Chromium, the sign form's
// labels sit at the form's right edge (and, on a left-to-right page, at its
// left edge), measured from the boxes the browser laid out. Saves a
// screenshot of the form.
//
//   NODE_PATH=/opt/axe/node_modules node tests/a11y/rtl.cjs PAGE.html rtl|ltr SHOT.png
//
// Prints each label's box against the form's and exits 1 if one is on the
// wrong side.
'use strict';
const fs = require('node:fs');
const { chromium } = require('playwright-core');

async function main() {
  const [file, direction, shot] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  await context.route('**/*', (route) => route.abort());
  const page = await context.newPage();
  await page.setContent(fs.readFileSync(file, 'utf8'), { waitUntil: 'load' });
  const form = await page.locator('form.sign').boundingBox();
  const dir = await page.evaluate(() => getComputedStyle(document.documentElement).direction);
  let wrong = 0;
  if (dir !== direction) {
    console.log(`the page's direction is ${dir}, not ${direction}`);
    wrong++;
  }
  for (const id of ['name', 'affiliation', 'country']) {
    // The label is a block as wide as the form: measure its words.
    const label = await page.evaluate((id) => {
      const range = document.createRange();
      range.selectNodeContents(document.querySelector(`label[for="${id}"]`));
      const r = range.getBoundingClientRect();
      return { x: r.x + window.scrollX, y: r.y + window.scrollY, width: r.width, height: r.height };
    }, id);
    const input = await page.locator(`#${id}`).boundingBox();
    // Text starts at the start edge, the right one right to left: the
    // label's words and its field line up there, and the words sit in the
    // form's start half.
    const middle = form.x + form.width / 2;
    const onStart = direction === 'rtl'
      ? Math.abs(label.x + label.width - (input.x + input.width)) < 2 && label.x > middle
      : Math.abs(label.x - input.x) < 2 && label.x + label.width < middle;
    const inputStarts = direction === 'rtl'
      ? form.x + form.width - (input.x + input.width) < 40
      : input.x - form.x < 40;
    console.log(`${id}: label x ${label.x.toFixed(0)}..${(label.x + label.width).toFixed(0)}, ` +
      `input x ${input.x.toFixed(0)}..${(input.x + input.width).toFixed(0)}, ` +
      `form x ${form.x.toFixed(0)}..${(form.x + form.width).toFixed(0)}: ${onStart && inputStarts ? 'ok' : 'WRONG SIDE'}`);
    if (!(onStart && inputStarts)) wrong++;
  }
  await page.locator('form.sign').screenshot({ path: shot });
  await browser.close();
  process.exit(wrong ? 1 : 0);
}

main().catch((e) => {
  console.error(`rtl check failed to run: ${e && e.stack || e}`);
  process.exit(2);
});
