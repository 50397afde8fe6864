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
    await page
      .locator('table')
      .getByRole('link', { name: 'payments-api' })
      .waitFor();
  });

  it('lists all twelve demo services in the catalog', async () => {
    await page.getByRole('menuitem', { name: /^All/ }).click();
    await page.getByText(/All components \(12\)/i).waitFor();
    await page
      .locator('table')
      .getByRole('link', { name: 'checkout-web' })
      .waitFor();
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
    await page
      .getByText(/^Summary$/)
      .filter({ visible: true })
      .first()
      .waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('mttr-summary').innerText()).toMatch(
      /^Median \d/,
    );
    expect(await page.getByText(/^No incidents in the /).count()).toBe(0);
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
    await screenshot(page, 'foundation-comparison');
  });
});
