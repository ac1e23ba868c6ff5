// Usage: node console.mjs <console-url> <api-key> <out.png> <action> [argument]
//        node console.mjs <console-url> --session
// Drives the ops console (deploy/platform's /console/) in headless Chromium like an operator: logs in with the key,
// does one action, saves a screenshot and prints one JSON line with what the page showed. Exits non-zero (with the
// reason) when the page does not show what the action expects.
// With --session, one Chromium serves many actions (OpsConsoleIT: a launch costs seconds of CPU on a small machine):
// each stdin line is {"key", "out", "action", "arg"}; each action gets a fresh browser context (no cookies or storage
// carried over, as with a new browser) and answers one stdout line, {"ok": true, ...what the page showed} or
// {"ok": false, "error"}. It ends when stdin closes. Actions:
//   overview                 wait until lanes are listed
//   refused                  log in with a key the API refuses; the page must say why
//   pause|resume <name>      press the subprocessor's Pause/Resume button; wait until its state says so
//   inspect <letter id>      open a dead letter: payload, error and workflows link
//   redrive <letter id>      press the letter's Re-drive button
//   redrive-all              press "Re-drive all pending"
//   acknowledge <alert id>   press the alert's Acknowledge button
//   replay <json>            fill the replay form ({table, key, filter, all}) and submit it
import { createInterface } from 'node:readline';
import { launchChromium } from './chromium.mjs';

const [url, ...rest] = process.argv.slice(2);
const session = rest[0] === '--session';
const [key, out, action, arg] = rest;
if (!url || (!session && (!key || !out || !action))) {
  console.error('usage: node console.mjs <console-url> <api-key> <out.png> <action> [argument]\n' +
                '       node console.mjs <console-url> --session');
  process.exit(2);
}
const TIMEOUT = 30000;

const browser = await launchChromium();
try {
  if (session) {
    for await (const line of createInterface({ input: process.stdin })) {
      if (!line.trim()) continue;
      const step = JSON.parse(line);
      try {
        console.log(JSON.stringify({ ok: true, ...await perform(step.key, step.out, step.action, step.arg) }));
      } catch (e) {
        console.log(JSON.stringify({ ok: false, error: `console ${step.action} ${step.arg ?? ''} failed at ${url}: ${e.message}` }));
      }
    }
  } else {
    console.log(JSON.stringify(await perform(key, out, action, arg)));
  }
} catch (e) {
  console.error(session ? `console session at ${url} failed: ${e.message}`
                        : `console ${action} ${arg ?? ''} failed at ${url}: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}

/** One action in a fresh context: log in, act, screenshot; what the page showed, or throws why not. */
async function perform(key, out, action, arg) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  try {
    const page = await context.newPage();
    const failures = [];
    page.on('pageerror', e => failures.push(e.message));
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: TIMEOUT });
    await page.fill('#key', key);
    await page.click('#login button[type=submit]');
    const result = await run(page, key, action, arg);
    await page.screenshot({ path: out, fullPage: true });
    if (failures.length) throw new Error(`script errors on the page: ${failures.join('; ')}`);
    return { action, ...result };
  } finally {
    await context.close();
  }
}

async function run(page, key, action, arg) {
  if (action === 'refused') {
    await page.locator('#message').waitFor({ state: 'visible', timeout: TIMEOUT });
    return { message: await page.textContent('#message'), loginShown: await page.isVisible('#login') };
  }
  await page.locator('#lanes tbody tr[data-lane]').first().waitFor({ timeout: TIMEOUT });
  switch (action) {
    case 'overview':
      return {
        lanes: await texts(page, '#lanes tbody tr[data-lane]'),
        laneTotals: Object.fromEntries(await page.locator('#lanes tbody tr[data-lane]').evaluateAll(
          rows => rows.map(r => [r.dataset.lane, r.querySelector('td.totals').textContent]))),
        laneWorkflowLinks: await page.locator('#lanes a.workflows').evaluateAll(as => as.map(a => a.href)),
        alerts: await texts(page, '#alerts tbody tr[data-alert]'),
        alertWorkflowLinks: await page.locator('#alerts a.workflows').evaluateAll(as => as.map(a => a.href)),
        letters: await texts(page, '#letters tbody tr[data-letter]'),
        keyInPage: (await page.content()).includes(key),
      };
    case 'pause':
    case 'resume': {
      const row = page.locator(`#lanes tr[data-lane$="/${arg}"]`).first();
      await row.locator(`button.${action}`).click();
      const expected = action === 'pause' ? 'paused' : 'running';
      await waitForText(page, `#lanes tr[data-lane$="/${arg}"] td.state`, expected);
      return { message: await page.textContent('#message'), state: expected };
    }
    case 'inspect': {
      await page.locator(`#letters tr[data-letter="${arg}"] button.inspect`).click();
      await page.locator('#letter').waitFor({ state: 'visible', timeout: TIMEOUT });
      await page.locator('#letter').scrollIntoViewIfNeeded();
      return {
        id: await page.textContent('#letter-id'),
        error: await page.textContent('#letter-error'),
        key: await page.textContent('#letter-key'),
        payload: await page.textContent('#letter-payload'),
        workflowsLink: await page.locator('#letter-workflows a').getAttribute('href'),
        rowWorkflowsLink: await page.locator(`#letters tr[data-letter="${arg}"] a.workflows`).getAttribute('href'),
      };
    }
    case 'redrive':
      await page.locator(`#letters tr[data-letter="${arg}"] button.redrive`).click();
      return { message: await waitForText(page, '#message', 'Re-drive') };
    case 'redrive-all':
      await page.click('#redrive-all');
      return { message: await waitForText(page, '#message', 'Re-drive all') };
    case 'acknowledge':
      await page.locator(`#alerts tr[data-alert="${arg}"] button.acknowledge`).click();
      return { message: await waitForText(page, '#message', 'Alert') };
    case 'replay': {
      const form = JSON.parse(arg);
      await page.selectOption('#replay-table', form.table);
      if (form.key) await page.fill('#replay-key', form.key);
      if (form.filter) await page.fill('#replay-filter', form.filter);
      if (form.all) await page.check('#replay-all');
      await page.click('#replay button[type=submit]');
      await page.locator('#replay-result > *').waitFor({ timeout: TIMEOUT });
      await page.locator('#replay-result').scrollIntoViewIfNeeded();
      return { result: await page.textContent('#replay-result') };
    }
    default:
      throw new Error(`unknown action ${action}`);
  }
}

async function texts(page, selector) {
  return (await page.locator(selector).allInnerTexts()).map(t => t.replace(/\s+/g, ' ').trim());
}

/** Waits until the element's text contains {@code expected}; returns the text. */
async function waitForText(page, selector, expected) {
  await page.waitForFunction(
    ([s, e]) => (document.querySelector(s)?.textContent || '').includes(e), [selector, expected], { timeout: TIMEOUT });
  return page.textContent(selector);
}
