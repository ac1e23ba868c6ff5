// Debian's headless Chromium as every UI check here launches it (CHROMIUM overrides the path; ThinSliceIT and
// OpsConsoleIT check that the same path is executable before they start).
import { chromium } from 'playwright-core';

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
