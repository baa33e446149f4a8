// Opens a report.html in headless Chromium with every network request refused, waits for the page
// to draw, and prints what a test checks as one JSON line: link and node features on the map,
// charts and their datasets, console errors, page errors and every request the page tried; then
// hovers over and clicks the middle of the longest link (tooltip, popup with its attributes).
//
//   node check_page.mjs --modules NODE_MODULES --html report.html --screenshot shot.png [--chromium /usr/bin/chromium]
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const require = createRequire(resolve(arg('--modules')) + '/');
const { chromium } = require('playwright-core');

const html = resolve(arg('--html'));
const pageUrl = pathToFileURL(html).href;
const profile = mkdtempSync(join(tmpdir(), 'corridor-chromium-'));
const result = { consoleErrors: [], pageErrors: [], requests: [], blocked: [] };
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: arg('--chromium', '/usr/bin/chromium'),
    headless: true,
    offline: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  // Anything but the page itself is a request the report must not make: refuse and record it.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === pageUrl || url.startsWith('data:')) return route.continue();
    result.blocked.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') result.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => result.pageErrors.push(String(e)));
  page.on('request', (r) => result.requests.push(r.url()));
  await page.goto(pageUrl, { waitUntil: 'load', timeout: 60000 });
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 60000 });
  await page.waitForTimeout(300);
  Object.assign(result, await page.evaluate(() => {
    const r = window.corridorReport || {};
    const strokes = (sel) => [...document.querySelectorAll(sel)].map((p) => p.getAttribute('stroke'));
    return {
      ready: document.body.dataset.ready,
      title: document.title,
      linkFeatures: r.linkFeatures,
      nodeFeatures: r.nodeFeatures,
      linkPaths: document.querySelectorAll('#map path.corridor-link').length,
      nodePaths: document.querySelectorAll('#map path.corridor-node').length,
      countryPaths: document.querySelectorAll('#map path:not(.corridor-link):not(.corridor-node):not(.corridor-bottleneck)').length,
      bottleneckPaths: document.querySelectorAll('#map path.corridor-bottleneck, #map path.corridor-bottleneck-node').length,
      pipelineStrokes: strokes('#map path.corridor-link.mode-pipeline'),
      legend: !!document.querySelector('.legend'),
      gasColouring: r.gasColouring,
      charts: r.charts,
      sections: r.sections,
      odRows: document.querySelectorAll('#od tbody tr').length,
      studyRows: document.querySelectorAll('#study-table tbody tr').length,
      kpiCards: document.querySelectorAll('#kpis .card').length,
      cards: [...document.querySelectorAll('#kpis .card')].map((c) => ({ k: c.querySelector('.k').textContent, v: c.querySelector('.v').textContent })),
      notes: (document.getElementById('kpi-notes') || {}).textContent || '',
      warnings: [...document.querySelectorAll('#warnings p.warning')].map((p) => p.textContent),
      overCapacity: [...document.querySelectorAll('#over-capacity tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent)),
      defaultsRows: document.querySelectorAll('#defaults tbody tr').length,
    };
  }));
  if (arg('--screenshot')) await page.screenshot({ path: arg('--screenshot'), fullPage: true });
  // A hover over the middle of the longest link shows that link's attributes (the map scrolled into view).
  await page.evaluate(() => { const m = document.getElementById('map'); if (m) m.scrollIntoView({ block: 'center' }); });
  await page.waitForTimeout(100);
  const mid = await page.evaluate(() => {
    let best = null, bestLength = 0;
    for (const p of document.querySelectorAll('#map path.corridor-link')) {
      const length = p.getTotalLength();
      if (length > bestLength) { best = p; bestLength = length; }
    }
    if (!best) return null;
    const pt = best.getPointAtLength(bestLength / 2);
    const m = best.getScreenCTM();
    return { x: m.a * pt.x + m.c * pt.y + m.e, y: m.b * pt.x + m.d * pt.y + m.f };
  });
  if (mid) {
    await page.mouse.move(mid.x, mid.y);
    await page.waitForTimeout(200);
    result.tooltip = await page.evaluate(() => (document.querySelector('.leaflet-tooltip') || {}).textContent || '');
    // A click opens all its attributes.
    await page.mouse.click(mid.x, mid.y);
    await page.waitForSelector('.leaflet-popup', { timeout: 5000 }).catch(() => {});
    Object.assign(result, await page.evaluate(() => {
      const popup = document.querySelector('.leaflet-popup');
      return { popup: popup ? popup.textContent.slice(0, 80) : '', popupRows: popup ? popup.querySelectorAll('tr').length : 0 };
    }));
    if (arg('--screenshot')) await (await page.$('#map')).screenshot({ path: arg('--screenshot').replace(/\.png$/, '-popup.png') });
  }
} catch (e) {
  result.failure = String(e && e.stack ? e.stack : e);
} finally {
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
