/*
 * The three recovery views with the demo data, as a person sees them: the
 * card on payments-api's overview, its Recovery tab, and the comparison page
 * (sorting and filtering). Screenshots land in test/e2e/screenshots/mttr-*.png.
 */
import { Locator, Page } from 'playwright-core';
import {
  launchBrowser,
  openPortal,
  PortalBrowser,
  screenshot,
  waitForDemoFigures,
} from './portal';

/**
 * A screenshot of the whole view. The portal scrolls inside its layout, so a
 * full-page shot shows only one viewport: make the viewport as tall as the
 * view for the shot, then restore it.
 */
async function tallScreenshot(page: Page, name: string, height: number) {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height });
  try {
    await page.waitForTimeout(500); // let the charts re-measure
    await screenshot(page, name);
  } finally {
    await page.setViewportSize(size);
  }
}

/** A duration as the views write it: 45s, 12m, 3h 20m, 2d 4h. */
const DURATION = /^\d+(d|h|m|s)( \d+(h|m|s))?$/;

/** "1h 30m" → milliseconds; the inverse of formatDuration, for comparing cells. */
function durationMs(text: string): number {
  const unit: Record<string, number> = {
    d: 86_400_000,
    h: 3_600_000,
    m: 60_000,
    s: 1000,
  };
  return text
    .trim()
    .split(' ')
    .reduce(
      (sum, part) => sum + Number(part.slice(0, -1)) * unit[part.slice(-1)],
      0,
    );
}

async function cellTexts(table: Locator, column: number): Promise<string[]> {
  return table
    .locator('tbody tr')
    .evaluateAll(
      (rows, index) =>
        rows.map(row => (row.children[index] as HTMLElement)?.innerText ?? ''),
      column,
    );
}

describe('the recovery views with demo data', () => {
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

  it('shows real figures, their definition and window, and runbook links on the payments-api card', async () => {
    await openPortal(page, '/catalog/default/component/payments-api');

    const median = page.getByTestId('mttr-median');
    await median.waitFor({ timeout: 60_000 });
    expect((await median.innerText()).trim()).toMatch(DURATION);
    expect((await page.getByTestId('mttr-mean').innerText()).trim()).toMatch(
      DURATION,
    );
    expect(
      (await page.getByTestId('mttr-frequency').innerText()).trim(),
    ).toMatch(/^\d+(\.\d)?$/);
    const basis = await page
      .getByText(/based on \d+ incidents?/)
      .first()
      .innerText();
    expect(Number(/based on (\d+)/.exec(basis)![1])).toBeGreaterThan(0);
    await page.getByText('Time to resolve · last 90 days').first().waitFor();
    // Every median says how sure it is, and the change says whether it is
    // more than noise; faster or slower only when it is.
    expect(
      (await page.getByTestId('mttr-median-ci').innerText()).trim(),
    ).toMatch(/^95% CI \S+( \S+)?–\S+( \S+)?$|interval not bounded yet/);
    const verdict = (
      await page.getByTestId('mttr-change-test').innerText()
    ).trim();
    expect(verdict).toMatch(/^(significant|within noise|not tested)$/);
    if (verdict !== 'significant') {
      expect(await page.locator('body').innerText()).not.toMatch(
        /faster|slower/,
      );
    }
    await page
      .getByText(/^DORA band: /)
      .first()
      .waitFor();

    const runbooks = page.locator(
      'section[aria-labelledby="mttr-runbooks-heading"]',
    );
    const links = runbooks.getByRole('link');
    expect(await links.count()).toBeGreaterThan(0);
    for (const href of await links.evaluateAll(as =>
      as.map(a => a.getAttribute('href')),
    )) {
      expect(href).toMatch(/^https?:\/\//);
    }
    await screenshot(page, 'mttr-card');
    await tallScreenshot(page, 'mttr-card-whole', 1500);
  });

  it('draws the three charts of the Recovery tab and opens an incident timeline', async () => {
    await openPortal(page, '/catalog/default/component/payments-api/recovery');

    await page.getByText('MTTR per week').waitFor({ timeout: 60_000 });
    await page.getByText('Incidents per week').waitFor();
    await page.getByText('Distribution of recovery times').waitFor();
    // recharts draws each chart as an svg surface with its marks inside
    await page.locator('svg.recharts-surface').nth(2).waitFor();
    expect(
      await page.locator('svg.recharts-surface').count(),
    ).toBeGreaterThanOrEqual(3);
    expect(
      await page.locator('.recharts-line-curve').count(),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await page.locator('.recharts-bar-rectangle').count(),
    ).toBeGreaterThan(0);
    await page
      .getByRole('table', { name: /Figures under every definition/ })
      .waitFor();
    // The summary carries the intervals and the tested change.
    expect(await page.getByTestId('mttr-summary').innerText()).toMatch(
      /^Median \S+( \S+)? \((95% CI|interval not bounded)/,
    );
    expect(await page.getByTestId('mttr-summary-change').innerText()).toMatch(
      /within noise \(p = |, p [=<] |not tested|no recoveries in the previous window/,
    );

    // The incidents' table: its "Counted (definition)" column names it (the
    // deployments' table says "incident started … after" and "not counted").
    const firstIncident = page
      .locator('table')
      .filter({ has: page.getByText(/^Counted \(/) })
      .locator('tbody tr')
      .first();
    await firstIncident.getByRole('button').first().click();
    await page.getByText('Timeline', { exact: true }).waitFor();
    await page.getByText(/^Under “Time to resolve”$/).waitFor();
    await screenshot(page, 'mttr-tab');
    await tallScreenshot(page, 'mttr-tab-whole', 3200);
  });

  it('lists the demo services on the comparison page, sorts and filters them', async () => {
    await openPortal(page, '/mttr');
    const table = page.getByRole('table', { name: /Services compared/ });
    await table.waitFor({ timeout: 60_000 });
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(10);
    await page.locator('svg.recharts-surface').first().waitFor();
    expect(
      await page.locator('.recharts-scatter-symbol').count(),
    ).toBeGreaterThanOrEqual(10);

    // Incidents (column 5): the first click sorts most first, the second least first.
    // The backend sorts: each click waits for its answer (aria-busy).
    await table.getByRole('button', { name: 'Incidents', exact: true }).click();
    await settled(table);
    const descending = (await cellTexts(table, 5)).map(t => parseInt(t, 10));
    expect(descending).toEqual([...descending].sort((a, b) => b - a));
    await table.getByRole('button', { name: 'Incidents', exact: true }).click();
    await settled(table);
    const ascending = (await cellTexts(table, 5)).map(t => parseInt(t, 10));
    expect(ascending).toEqual([...ascending].sort((a, b) => a - b));

    // Median MTTR (column 2), slowest first.
    await table.getByRole('button', { name: 'Median MTTR' }).click();
    await settled(table);
    const medians = (await cellTexts(table, 2))
      .map(t => t.split('\n')[0])
      .filter(t => DURATION.test(t))
      .map(durationMs);
    expect(medians.length).toBeGreaterThan(0);
    expect(medians).toEqual([...medians].sort((a, b) => b - a));

    // Each median with its 95% interval under it, as a range or "not bounded".
    const intervals = (await cellTexts(table, 2))
      .map(t => t.split('\n')[1])
      .filter(Boolean);
    expect(intervals.length).toBeGreaterThan(0);
    for (const line of intervals) {
      expect(line).toMatch(/^(\S.*–.*\S|not bounded \(\d+\))$/);
    }
    // The change (column 9) says faster or slower only with a p below 0.05
    // (written to two decimals from 0.01, so 0.045 to 0.0499 read 0.05).
    for (const cell of await cellTexts(table, 9)) {
      const verdict = cell.split('\n')[1];
      if (verdict !== undefined) {
        expect(verdict).toMatch(
          /^(within noise \(p = (0\.\d\d|1\.00)\)|(faster|slower), p (= 0\.0[0-5]\d?|< 0\.001)|not tested)$/,
        );
      }
    }
    // In a 1440-pixel window the recovery figures (service to change) fit
    // in the card; the deployment and lever columns scroll in beside them
    // while the service column stays in place.
    const layout = () =>
      table.evaluate(t => {
        const box = t.parentElement!.getBoundingClientRect();
        const heads = Array.from(t.querySelectorAll('thead th')).map(th =>
          th.getBoundingClientRect(),
        );
        const change = Array.from(t.querySelectorAll('thead th')).findIndex(
          th => th.textContent === 'Change (median)',
        );
        const firstCell = t
          .querySelector('tbody tr th')!
          .getBoundingClientRect();
        return {
          boxLeft: box.left,
          boxRight: box.right,
          changeRight: heads[change].right,
          lastRight: heads[heads.length - 1].right,
          serviceLeft: heads[0].left,
          firstCellLeft: firstCell.left,
        };
      });
    const before = await layout();
    expect(before.changeRight).toBeLessThanOrEqual(before.boxRight);
    await table.evaluate(t => {
      t.parentElement!.scrollLeft = t.parentElement!.scrollWidth;
    });
    const scrolled = await layout();
    expect(scrolled.lastRight).toBeLessThanOrEqual(scrolled.boxRight + 1);
    expect(scrolled.serviceLeft).toBeCloseTo(scrolled.boxLeft, 0);
    expect(scrolled.firstCellLeft).toBeCloseTo(scrolled.boxLeft, 0);
    await screenshot(page, 'mttr-comparison-scrolled');
    await table.evaluate(t => {
      t.parentElement!.scrollLeft = 0;
    });
    // Whiskers on the scatter for the medians with bounded intervals.
    expect(await page.locator('.recharts-errorBar').count()).toBeGreaterThan(0);
    await screenshot(page, 'mttr-comparison');
    await page.locator('.recharts-scatter-symbol').first().hover();
    await tallScreenshot(page, 'mttr-comparison-whole', 2200);

    // Owner filter: only team-payments' services remain.
    const owner = page.getByRole('combobox', { name: 'Owner' });
    const payments = await owner
      .locator('option')
      .evaluateAll(os =>
        os
          .map(o => (o as HTMLOptionElement).value)
          .find(v => /team-payments$/.test(v)),
      );
    expect(payments).toBeDefined();
    await owner.selectOption(payments!);
    await settled(table);
    const owners = await cellTexts(table, 1);
    expect(owners.length).toBeGreaterThan(0);
    expect(owners.length).toBeLessThan(10);
    for (const o of owners) {
      expect(o.toLowerCase()).toContain('payments');
    }
    await screenshot(page, 'mttr-comparison-filtered');

    // Search narrows to one service.
    await owner.selectOption('');
    await page
      .getByRole('searchbox', { name: 'Search services' })
      .fill('fraud');
    await expectRows(table, ['fraud-detector']);

    // Grouped by owner: one row per team.
    await page.getByRole('searchbox', { name: 'Search services' }).fill('');
    await page.getByRole('checkbox', { name: 'Group by owner' }).check();
    const teams = page.getByRole('table', { name: /Services compared/ });
    await teams.getByRole('button', { name: 'Team' }).waitFor();
    await teams
      .getByText(/\d+ services/)
      .first()
      .waitFor();
    await screenshot(page, 'mttr-comparison-teams');
  });
});

/** Waits until the table shows the backend's answer to the latest change. */
async function settled(table: Locator) {
  await expect
    .poll(() => table.getAttribute('aria-busy'), { timeout: 30_000 })
    .toBe('false');
}

async function expectRows(table: Locator, names: string[]) {
  await expect
    .poll(async () => (await cellTexts(table, 0)).map(t => t.split('\n')[0]), {
      timeout: 15_000,
    })
    .toEqual(names);
}
