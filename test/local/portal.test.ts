import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { parseConfig } from '../../lib/checks/load';
import { compileRouteTable } from '../../lib/contract/route-table';
import { startTestGateway, type TestGateway } from './support/harness';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CONFIG = join(__dirname, '../../gateway.config.yaml');

describe('the developer portal of the twin, in headless Chromium (issue 17)', () => {
  let browser: Browser;
  let gw: TestGateway;
  let page: Page;
  const methods = compileRouteTable(parseConfig(readFileSync(CONFIG, 'utf8'), 'gateway.config.yaml').environments.dev.config);

  beforeAll(async () => {
    [browser, gw] = await Promise.all([launchChromium(), startTestGateway()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    await page.goto(`${gw.url}/docs`);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  it('redirects /docs to /docs/ and renders the API\'s title and tiers', async () => {
    expect(new URL(page.url()).pathname).toBe('/docs/');
    await expect(page.locator('.info .title').innerText()).resolves.toContain('gatehouse API (dev)');
    const description = await page.locator('.info .description').innerText();
    expect(description).toContain('Getting credentials');
    expect(description).toMatch(/free\s+\d+/);
  });

  it('lists every API method of the route table', async () => {
    const shown = await page.locator('.opblock-summary').evaluateAll((els) => els.map((el) => {
      const method = el.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '';
      const path = el.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? el.querySelector('.opblock-summary-path')?.textContent?.trim() ?? '';
      return `${method} ${path.replace(/\u200b/g, '')}`;
    }));
    expect(shown.sort()).toEqual(methods.map((m) => `${m.httpMethod} ${m.resourcePath.replace('{proxy+}', '{path}')}`).sort());
  });

  it('tries an operation against the twin with a demo API key: the gateway answers 200', async () => {
    const key = gw.credentials.apiKeys.find((k) => k.status === 'active')!.key;
    await page.locator('.auth-wrapper .authorize').click();
    const modal = page.locator('.modal-ux');
    await modal.locator('input').first().fill(key);
    await modal.locator('.auth-btn-wrapper .authorize').first().click();
    await modal.locator('.btn-done, .close-modal').first().click();
    const operation = page.locator('[id$="-getV1Plans"]');
    await operation.locator('.opblock-summary').click();
    await operation.locator('.btn.execute').click();
    const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    await expect(status.innerText()).resolves.toBe('200');
  }, 60_000);

  it('takes a screenshot with content: over ten times the size of a blank page\'s', async () => {
    await page.evaluate('window.scrollTo(0, 0)');
    const shot = await page.screenshot({ fullPage: false });
    // PORTAL_SCREENSHOT=docs/portal.png npx jest test/local/portal.test.ts refreshes the README's picture.
    if (process.env.PORTAL_SCREENSHOT) writeFileSync(process.env.PORTAL_SCREENSHOT, shot);
    const blank = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const empty = await blank.screenshot();
    await blank.close();
    expect(shot.subarray(1, 4).toString()).toBe('PNG');
    expect(shot.length).toBeGreaterThan(10 * empty.length);
  });
});
