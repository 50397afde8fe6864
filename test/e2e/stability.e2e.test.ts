/*
 * Deployments and the levers of recovery with the demo data, as a person
 * sees them: the change failure rate and the levers line on payments-api's
 * card; on its Recovery tab the deployments on the time axis and in a list
 * (a change failure highlighted, its incident one click away) and "What
 * helps recovery here"; the CFR column of the comparison page, sorted.
 * Screenshots land in test/e2e/screenshots/mttr-stability-*.png.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Locator, Page } from 'playwright-core';
import {
  BACKEND_URL,
  guestToken,
  launchBrowser,
  openPortal,
  PortalBrowser,
  screenshot,
  waitForDemoFigures,
} from './portal';

const PAYMENTS_API = 'component:default/payments-api';

/**
 * The demo's deployments are seeded with its incidents; its grants of
 * access on payments-api's open incidents come once the plugin has mapped
 * those to the entity: wait until the card's figures have both.
 */
async function waitForDemoStability(timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const to = new Date();
      const from = new Date(to.getTime() - 90 * 86_400_000);
      const response = await fetch(
        `${BACKEND_URL}/api/mttr/metrics?entityRef=${encodeURIComponent(
          PAYMENTS_API,
        )}&from=${from.toISOString()}&to=${to.toISOString()}`,
        { headers: { Authorization: `Bearer ${await guestToken()}` } },
      );
      if (response.ok) {
        const body = (await response.json()) as {
          deployments?: { count: number };
          levers?: { access: { incidentsWithAccess: number } };
        };
        if (
          (body.deployments?.count ?? 0) > 0 &&
          (body.levers?.access.incidentsWithAccess ?? 0) > 0
        ) {
          return;
        }
      }
    } catch {
      // the backend is (re)starting: try again
    }
    if (Date.now() > deadline) {
      throw new Error(
        'payments-api has no deployments or no grants of access: is the demo seeded?',
      );
    }
    await new Promise(r => setTimeout(r, 5000));
  }
}

/**
 * Saves a screenshot of one part of the page to test/e2e/screenshots/: the
 * portal scrolls inside its content area, which a full-page shot misses.
 */
async function screenshotOf(page: Page, element: Locator, name: string) {
  mkdirSync(resolve(__dirname, 'screenshots'), { recursive: true });
  await element.scrollIntoViewIfNeeded();
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

/** Waits until the table shows the backend's answer to the latest change. */
async function settled(table: Locator) {
  await expect
    .poll(() => table.getAttribute('aria-busy'), { timeout: 30_000 })
    .toBe('false');
}

/** "24%", "5.6%" → 0.24, 0.056; undefined for "–". */
function rateOf(text: string): number | undefined {
  const match = /^(\d+(?:\.\d)?)%/.exec(text.trim());
  return match ? Number(match[1]) / 100 : undefined;
}

describe('deployments and the levers of recovery with demo data', () => {
  let browser: PortalBrowser;
  let page: Page;

  beforeAll(async () => {
    await waitForDemoFigures();
    await waitForDemoStability();
    browser = await launchBrowser();
    page = await browser.newPage();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the change failure rate with its counts and links, and the levers line, on the payments-api card', async () => {
    await openPortal(page, '/catalog/default/component/payments-api');

    const cfr = page.getByTestId('mttr-change-failure');
    await cfr.waitFor({ timeout: 60_000 });
    const line = (await cfr.innerText()).trim();
    const parts =
      /^CFR (\d+(?:\.\d)?)% · (\d+) of (\d+) deployments · recovery \S+.* · [\d.]+ deployments per 30 days$/.exec(
        line,
      );
    expect(parts, line).not.toBeNull();
    const [failures, count] = [Number(parts![2]), Number(parts![3])];
    expect(failures).toBeGreaterThan(0);
    expect(count).toBeGreaterThan(failures);
    // The rate is the two counts' ratio, as written (whole percent from 10%).
    const rate = failures / count;
    expect(Number(parts![1])).toBeCloseTo(
      rate >= 0.1 ? Math.round(rate * 100) : Number((rate * 100).toFixed(1)),
      5,
    );
    // payments-api's failures are linked all three ways in the demo.
    expect(
      (await page.getByTestId('mttr-change-failure-links').innerText()).trim(),
    ).toMatch(
      /^How linked: \d+ named by an incident, \d+ rolled back, \d+ by the link window$/,
    );
    await page.getByTestId('mttr-cfr-band').first().waitFor();
    expect(
      await page
        .getByTestId('mttr-cfr-band')
        .first()
        .getAttribute('aria-label'),
    ).toMatch(/^CFR band: (Elite|High|Medium|Low)$/);

    // Reviews of the incidents due one, and the time to access of the open
    // incidents the on-call engineers were granted access on.
    expect((await page.getByTestId('mttr-levers').innerText()).trim()).toMatch(
      /^Reviews \d+ of \d+ due \(\d+%\) · median time to access \S+( \S+)? \(\d+ incidents?\)$/,
    );
    await page.mouse.move(1400, 880);
    await screenshotOf(
      page,
      page
        .getByTestId('mttr-change-failure')
        .locator('xpath=ancestor::*[contains(@class,"MuiCard-root")][1]'),
      'mttr-stability-card',
    );
  });

  it('marks the deployments on the Recovery tab’s time axis and lists them, a change failure highlighted with its incident one click away', async () => {
    await openPortal(page, '/catalog/default/component/payments-api/recovery');

    // The ticks under the weekly chart say what they show.
    const strip = page.getByTestId('mttr-deployment-strip');
    await strip.waitFor({ timeout: 60_000 });
    const summary = (await strip.getAttribute('aria-label')) ?? '';
    const marks = /: (\d+) live, (\d+) of them change failures/.exec(summary);
    expect(marks, summary).not.toBeNull();
    expect(Number(marks![1])).toBeGreaterThan(Number(marks![2]));
    expect(Number(marks![2])).toBeGreaterThan(0);
    // Each change failure a dashed line on the weekly chart.
    expect(
      await page.locator('.recharts-reference-line').count(),
    ).toBeGreaterThan(0);

    const list = page.getByRole('table', { name: /^Deployments, / });
    await list.waitFor();
    expect(
      (await page.getByTestId('mttr-deployment-figures').innerText()).trim(),
    ).toMatch(/^CFR \d+% · \d+ of \d+ deployments · recovery /);

    // Newest first, ten a page: page back until a change failure linked to
    // an incident is on the page.
    const failure = list
      .locator(
        '[data-testid="mttr-deployment-row"][data-change-failure="true"]',
      )
      .filter({
        has: page.getByRole('button', { name: /^Show the timeline of / }),
      })
      .first();
    for (let pages = 0; !(await failure.count()); pages++) {
      expect(pages).toBeLessThan(20);
      await page.getByRole('button', { name: 'Next page' }).click();
      await list.waitFor();
    }
    await failure.getByText('change failure', { exact: true }).waitFor();
    // Highlighted: a bar in the error colour on its left edge.
    expect(
      await failure.evaluate(row => getComputedStyle(row).boxShadow),
    ).toMatch(/inset/);
    await screenshotOf(page, list, 'mttr-stability-deployments');

    const open = failure
      .getByRole('button', { name: /^Show the timeline of / })
      .first();
    const title = (await open.getAttribute('aria-label'))!.replace(
      /^Show the timeline of /,
      '',
    );
    await open.click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByText(title).first().waitFor();
    await dialog.getByTestId('mttr-incident-timeline').waitFor();
    await page.waitForTimeout(500); // the dialog fades in
    await screenshot(page, 'mttr-stability-linked-incident');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows what helps recovery on payments-api’s Recovery tab: reviews, action items, repeats, drills, automation and time to access', async () => {
    await openPortal(page, '/catalog/default/component/payments-api/recovery');
    await page
      .getByText('What helps recovery here', { exact: true })
      .waitFor({ timeout: 60_000 });
    const levers = page.getByTestId('mttr-levers');
    await levers.getByTestId('mttr-lever-reviews').waitFor({ timeout: 60_000 });

    expect(await levers.getByTestId('mttr-lever-reviews').innerText()).toMatch(
      /\d+ of \d+ due incidents? reviewed within \S+ \(\d+%\)/,
    );
    // The due incidents without a review in time are listed, each one
    // click away from its timeline.
    const unreviewed = levers
      .getByTestId('mttr-lever-unreviewed')
      .locator('li');
    expect(await unreviewed.count()).toBeGreaterThan(0);
    expect(
      await levers.getByTestId('mttr-lever-action-items').innerText(),
    ).toMatch(/\d+ action items? still open/);
    expect(await levers.getByTestId('mttr-lever-repeats').innerText()).toMatch(
      /\d+ incidents? came back after a published review/,
    );
    expect(
      await levers.getByTestId('mttr-lever-automation').innerText(),
    ).toMatch(
      /[1-9]\d* of \d+ counted incidents \(\d+%\) recovered by automation: median \S+/,
    );
    expect(await levers.getByTestId('mttr-lever-access').innerText()).toMatch(
      /Median time to access \S+( \S+)? over \d+ incidents?, [1-9]\d* of them break-glass/,
    );
    await screenshotOf(
      page,
      page
        .getByText('What helps recovery here', { exact: true })
        .locator('xpath=ancestor::*[contains(@class,"MuiCard-root")][1]'),
      'mttr-stability-levers',
    );
  });

  it('shows the CFR of every demo service on the comparison page, with its band, and sorts by it', async () => {
    await openPortal(page, '/mttr');
    const table = page.getByRole('table', { name: /Services compared/ });
    await table.waitFor({ timeout: 60_000 });
    await settled(table);
    const rates = async () =>
      (await table.getByTestId('mttr-cfr-cell').allInnerTexts()).map(rateOf);

    // Every demo service deploys; their rates range from elite to low.
    const all = await rates();
    expect(all.length).toBeGreaterThanOrEqual(10);
    const bands = await table
      .getByTestId('mttr-cfr-band')
      .evaluateAll(chips => chips.map(c => c.getAttribute('aria-label')));
    expect(bands).toContain('CFR band: Elite');
    expect(bands).toContain('CFR band: Low');

    const header = table.getByRole('button', { name: 'CFR', exact: true });
    await header.click();
    await settled(table);
    const first = (await rates()).filter((r): r is number => r !== undefined);
    await header.click();
    await settled(table);
    const second = (await rates()).filter((r): r is number => r !== undefined);
    // One click sorts one way, the next the other way.
    const descending = [...first].sort((a, b) => b - a);
    const ascending = [...first].sort((a, b) => a - b);
    expect([descending, ascending]).toContainEqual(first);
    expect(second).toEqual(
      first[0] > first[first.length - 1] ? ascending : descending,
    );
    expect(first[0]).not.toBe(first[first.length - 1]);
    await header.click();
    await settled(table);
    await table.getByTestId('mttr-cfr-cell').first().scrollIntoViewIfNeeded();
    await screenshot(page, 'mttr-stability-comparison');
  });
});
