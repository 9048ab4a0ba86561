import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (apt-get install -y chromium; .ci/run installs it): playwright-core downloads no browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Fails (never skips) when the browser is missing: a test that cannot run must not pass. */
export async function launchChromium(): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM, headless: true });
  } catch (err) {
    throw new Error(`cannot launch headless Chromium at ${CHROMIUM}; install Debian's chromium (apt-get install -y chromium, as .ci/run does). Cause: ${(err as Error).message.split('\n')[0]}`);
  }
}
