// Usage: node screenshot.mjs <temporal-ui-url> <sku> <out.png>
// Opens the Temporal Web UI's workflow list filtered by the Sku search attribute, waits until a workflow row for
// that SKU is listed, and saves a screenshot. Exits non-zero (with the reason) when no such row appears.
import { launchChromium } from './chromium.mjs';

const [ui, sku, out] = process.argv.slice(2);
if (!ui || !sku || !out) {
  console.error('usage: node screenshot.mjs <temporal-ui-url> <sku> <out.png>');
  process.exit(2);
}
const query = encodeURIComponent(`Sku="${sku}"`);
const url = `${ui.replace(/\/$/, '')}/namespaces/default/workflows?query=${query}`;
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30000 });
  // The list renders workflow IDs as links; ours start with the kind and the SKU.
  const row = page.locator(`a:has-text("${sku}")`).first();
  await row.waitFor({ state: 'visible', timeout: 45000 });
  await page.screenshot({ path: out, fullPage: false });
  const ids = await page.locator(`a:has-text("${sku}")`).allInnerTexts();
  console.log(JSON.stringify({ url, workflows: [...new Set(ids.map(s => s.trim()))], screenshot: out }));
} catch (e) {
  console.error(`no workflow for Sku=${sku} appeared in the Web UI at ${url}: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
