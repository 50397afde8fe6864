/*
 * Just-in-time access from the portal: the guest, on call for checkout-web
 * in the demo config, requests read-only database access from its open demo
 * incident and sees the grant active, counting down to its expiry.
 */
import { Page } from 'playwright-core';
import { launchBrowser, openPortal, PortalBrowser, screenshot } from './portal';

describe('just-in-time access in the portal', () => {
  let browser: PortalBrowser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lets the on-call guest request access from an open incident and shows it active with its countdown', async () => {
    await openPortal(page, '/catalog/default/component/checkout-web');
    await page
      .getByText(/Open incidents \(\d+\)/)
      .first()
      .waitFor({ timeout: 60_000 });

    const request = page
      .getByRole('button', {
        name: 'Request access: Production database (read-only)',
      })
      .first();
    await request.waitFor({ timeout: 60_000 });
    await request.click();

    const dialog = page.getByRole('dialog');
    await dialog.getByText('Request access', { exact: true }).waitFor();
    // The reason comes prefilled with the incident's title.
    const reason = await dialog.getByLabel('Reason').inputValue();
    expect(reason).toMatch(/Checkout error rate above 2%/);
    await dialog.getByLabel('Duration (minutes)').fill('45');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await dialog.waitFor({ state: 'detached' });

    const status = page
      .getByRole('region', {
        name: 'Access request Production database (read-only)',
      })
      .first();
    await status.getByText('Active', { exact: true }).waitFor();
    const timer = status.getByRole('timer');
    await timer.waitFor();
    const first = await timer.textContent();
    // Granted for 45 minutes a moment ago: 44m and some seconds left.
    expect(first).toMatch(/^expires in 44m \d\ds$/);
    await status.getByRole('button', { name: 'Revoke now' }).waitFor();

    // It counts down.
    await page.waitForTimeout(2100);
    expect(await timer.textContent()).not.toBe(first);

    await status.scrollIntoViewIfNeeded();
    await screenshot(page, 'access-active-grant');
  });
});
