/*
 * Just-in-time access from the portal: the guest, on call for checkout-web
 * in the demo config, requests read-only database access from its open demo
 * incident and sees the grant active, counting down to its expiry.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Locator, Page } from 'playwright-core';
import { launchBrowser, openPortal, PortalBrowser, screenshot } from './portal';

/**
 * Saves a screenshot of one part of the page to test/e2e/screenshots/: the
 * portal scrolls inside its content area, which a full-page shot misses.
 */
async function screenshotOf(page: Page, element: Locator, name: string) {
  mkdirSync(resolve(__dirname, 'screenshots'), { recursive: true });
  await element.scrollIntoViewIfNeeded();
  // The page is a little wider than the window: undo the horizontal scroll
  // that bringing the element into view may cause, so the fixed sidebar does
  // not cover it.
  await page.evaluate(() => window.scrollTo({ left: 0, top: window.scrollY }));
  const box = (await element.boundingBox())!;
  const viewport = page.viewportSize()!;
  const y = Math.max(0, box.y - 16);
  await page.screenshot({
    path: resolve(__dirname, 'screenshots', `${name}.png`),
    clip: {
      x: 0,
      y,
      width: viewport.width,
      height: Math.min(box.height + 32, viewport.height - y),
    },
  });
}

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
    const request = page
      .getByRole('button', { name: 'Request access', exact: true })
      .first();
    // On a fresh portal the demo incidents count for checkout-web once the
    // catalog mapping task has run (every 30 seconds, slower on a busy
    // machine): reload until then.
    const deadline = Date.now() + 360_000;
    for (;;) {
      await page
        .getByText(/Open incidents \(\d+\)/)
        .first()
        .waitFor({ timeout: 60_000 });
      try {
        await request.waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await page.reload();
      }
    }
    await request.click();
    await page
      .getByRole('menuitem', { name: 'Production database (read-only)' })
      .click();

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

    // The page is a little wider than the window: keep it scrolled to the
    // left so the full-page screenshot shows it as a person sees it.
    await page.evaluate(() => window.scrollTo(0, 0));
    // Away from the sidebar, which expands under the pointer.
    await page.mouse.move(1400, 880);
    await screenshot(page, 'access-active-grant');
  }, 480_000);

  it('lets the guest, an owner of payments-api, approve the pending request alice made', async () => {
    await openPortal(page, '/catalog/default/component/payments-api/recovery');
    await page
      .getByText('Just-in-time access', { exact: true })
      .first()
      .waitFor({ timeout: 60_000 });
    const waiting = page.getByText(/^Waiting for your approval \(\d+\)$/);
    await waiting.waitFor();
    expect(
      Number(/\((\d+)\)/.exec(await waiting.innerText())![1]),
    ).toBeGreaterThan(0);
    const card = page
      .getByRole('region', { name: 'Request by user:default/alice' })
      .filter({ hasText: 'k8s-namespace-admin' })
      .first();
    await card.waitFor();
    await card.getByText(/restart the stuck charge workers/).waitFor();
    expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(1);
    await card
      .getByLabel('Comment')
      .fill('Go ahead, I am watching the charges dashboard');
    const panel = page.getByRole('region', {
      name: 'Access requests',
      exact: true,
    });
    await screenshotOf(page, panel, 'access-approval-pending');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.waitFor({ state: 'detached' });

    // Now in the entity's recent requests, active, with its countdown.
    const recent = page.getByRole('region', {
      name: 'Access request k8s-namespace-admin',
    });
    await recent.getByText('Active', { exact: true }).first().waitFor();
    const timer = recent.getByRole('timer').first();
    await timer.waitFor();
    expect(await timer.textContent()).toMatch(/^expires in \d/);
    expect(
      await page
        .getByRole('region', { name: 'Request by user:default/alice' })
        .filter({ hasText: 'k8s-namespace-admin' })
        .getByRole('button', { name: 'Approve' })
        .count(),
    ).toBe(0);
    await page.mouse.move(1400, 880);
    await screenshotOf(page, panel, 'access-approval-approved');
  }, 180_000);
});
