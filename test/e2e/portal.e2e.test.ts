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
} from './portal';

describe('the demo portal', () => {
  let browser: PortalBrowser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
  });

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
    // Either the figures (a "Summary" card) or the honest empty state.
    await page
      .getByText(/^Summary$|^No incidents in the /)
      .filter({ visible: true })
      .first()
      .waitFor({ timeout: 60_000 });
    await screenshot(page, 'foundation-component-recovery');
  });

  it('opens the comparison page from the sidebar', async () => {
    await page.getByRole('link', { name: 'Recovery', exact: true }).click();
    await page.waitForURL(`${PORTAL_URL}/mttr`);
    await page.getByText('Recovery health').first().waitFor();
    await screenshot(page, 'foundation-comparison');
  });
});
