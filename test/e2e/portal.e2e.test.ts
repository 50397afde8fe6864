/*
 * The foundation walk through the portal: the guest signs in, finds a service
 * in the demo catalog, sees its recovery card, opens its Recovery tab and the
 * comparison page. Screenshots land in test/e2e/screenshots/.
 */
import { Page } from 'playwright-core';
import {
  launchBrowser,
  openPortal,
  PORTAL_URL,
  PortalBrowser,
  screenshot,
  waitForDemoFigures,
} from './portal';

describe('the demo portal', () => {
  let browser: PortalBrowser;
  let page: Page;

  beforeAll(async () => {
    await waitForDemoFigures();
    browser = await launchBrowser();
    page = await browser.newPage();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('signs the guest in as a member of team-payments, who owns the four payments services', async () => {
    await openPortal(page, '/catalog');

    await page.getByText(/Owned components \(4\)/i).waitFor();
    const table = page.locator('table');
    await table.getByRole('link', { name: 'payments-api' }).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(4);
    for (const name of [
      'payments-api',
      'billing-worker',
      'fraud-detector',
      'ledger-db',
    ]) {
      expect(
        await table.getByRole('link', { name, exact: true }).count(),
        `${name} among the owned components`,
      ).toBe(1);
    }
  });

  it('lists all twelve demo services in the catalog', async () => {
    await page.getByRole('menuitem', { name: /^All/ }).click();
    await page.getByText(/All components \(12\)/i).waitFor();
    await page
      .locator('table')
      .getByRole('link', { name: 'checkout-web' })
      .waitFor();
    expect(await page.locator('table tbody tr').count()).toBe(12);
    await screenshot(page, 'foundation-catalog');
  });

  it('shows the recovery card on the overview of payments-api', async () => {
    await page
      .locator('table')
      .getByRole('link', { name: 'payments-api' })
      .click();
    await page.waitForURL(/\/catalog\/default\/component\/payments-api$/);

    await page.getByText('Recovery (MTTR)').first().waitFor();
    // The card shows the demo's figures, not an empty state.
    await page.getByTestId('mttr-median').waitFor({ timeout: 60_000 });
    expect((await page.getByTestId('mttr-median').innerText()).trim()).not.toBe(
      '–',
    );
    expect(
      Number((await page.getByTestId('mttr-frequency').innerText()).trim()),
    ).toBeGreaterThan(0);
    // The about card, with the owner from the catalog.
    await page.getByText('About').first().waitFor();
    await page
      .locator('main')
      .getByRole('link', { name: 'Payments' })
      .first()
      .waitFor();
    await screenshot(page, 'foundation-component-overview');
  });

  it('opens the Recovery tab of payments-api', async () => {
    await page.getByRole('tab', { name: 'Recovery' }).click();
    await page.waitForURL(
      /\/catalog\/default\/component\/payments-api\/recovery$/,
    );
    // payments-api has demo incidents: the figures, never the empty state.
    // The backend had figures before the tests started (beforeAll); the tab
    // reads them in a few seconds, the bound covers a busy machine.
    const summary = page.getByTestId('mttr-summary');
    const empty = page.getByText(/^No incidents in the /);
    await summary
      .or(empty)
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(() => {
        throw new Error(
          'The Recovery tab of payments-api showed neither figures nor the empty state within 60 s',
        );
      });
    expect(await empty.count(), 'the Recovery tab shows the empty state').toBe(
      0,
    );
    const figures = await summary.innerText();
    // e.g. "Median 42m (95% CI 31m–55m) · p90 3h 10m ... based on 27 incidents"
    expect(figures).toMatch(/^Median \d+[smhd]/);
    expect(figures).toMatch(/· mean \d+[smhd]/);
    expect(
      Number(/based on (\d+) incidents/.exec(figures)?.[1]),
    ).toBeGreaterThan(0);
    // The incident table lists them, each with how it counted.
    const title = await page.getByText(/^Incidents \(\d+\)$/).innerText();
    expect(Number(/\((\d+)\)/.exec(title)![1])).toBeGreaterThan(0);
    const rows = page
      .locator('main tbody tr')
      .filter({ hasText: /Counted|Excluded|Not counted|Folded/ });
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.first().innerText()).toMatch(/sev[1-5]/);
    await screenshot(page, 'foundation-component-recovery');
  });

  it('opens the comparison page from the sidebar', async () => {
    await page.getByRole('link', { name: 'Recovery', exact: true }).click();
    await page.waitForURL(`${PORTAL_URL}/mttr`);
    await page.getByText('Recovery health').first().waitFor();
    // Every demo service with incidents has a row.
    const rows = page
      .getByRole('table', { name: /Services compared/ })
      .locator('tbody tr');
    await rows.first().waitFor({ timeout: 60_000 });
    expect(await rows.count()).toBeGreaterThan(1);
    const payments = rows.filter({
      has: page.getByRole('link', { name: 'payments-api', exact: true }),
    });
    expect(await payments.count()).toBe(1);
    // Its row carries a median, not a dash.
    expect(await payments.innerText()).toMatch(/\d+[smhd]/);
    await screenshot(page, 'foundation-comparison');
  });
});
