/*
 * Shared helpers of the browser tests: a headless Debian chromium driven by
 * playwright-core, guest sign-in, screenshots and backend tokens.
 *
 * The portal is started by test/e2e/run.mjs (`npm run test:e2e`), or is one
 * already running (`npm start`). PORTAL_URL / BACKEND_URL point elsewhere.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';

/** Where the app is served (dev server on 3000, or the backend itself). */
export const PORTAL_URL = (
  process.env.PORTAL_URL ?? 'http://localhost:3000'
).replace(/\/$/, '');

/** The backend's base URL. */
export const BACKEND_URL = (
  process.env.BACKEND_URL ?? 'http://localhost:7007'
).replace(/\/$/, '');

/**
 * The static token of `backend.auth.externalAccess` for pushing incident
 * events (restricted to the mttr plugin), see app-config.yaml.
 */
export const EVENTS_TOKEN =
  process.env.MTTR_EVENTS_TOKEN || 'mttr-local-events-token';

const SCREENSHOT_DIR = resolve(__dirname, 'screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A browser with a fresh profile; `close()` also deletes the profile. */
export interface PortalBrowser {
  context: BrowserContext;
  /** Page errors (uncaught exceptions) seen so far, for diagnostics. */
  pageErrors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Launches headless chromium (/usr/bin/chromium, or CHROMIUM_PATH) with a
 * fresh user-data-dir.
 */
export async function launchBrowser(): Promise<PortalBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'mttr-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
  });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  const pageErrors: string[] = [];
  context.on('page', page =>
    page.on('pageerror', error => pageErrors.push(String(error))),
  );
  for (const page of context.pages()) {
    page.on('pageerror', error => pageErrors.push(String(error)));
  }
  return {
    context,
    pageErrors,
    async newPage() {
      const [blank] = context.pages();
      // A persistent context opens with one blank page: use it first.
      if (blank && blank.url() === 'about:blank') {
        return blank;
      }
      return context.newPage();
    },
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `path` of the portal, signing in as guest when the sign-in page shows
 * (it does on the first visit of a fresh profile: `auto` only signs in again
 * once a provider was chosen, so the test clicks "Enter" like a person).
 * Resolves once the signed-in app (its sidebar) is there.
 */
export async function openPortal(page: Page, path = '/'): Promise<void> {
  await page.goto(`${PORTAL_URL}${path.startsWith('/') ? path : `/${path}`}`);
  const enter = page.getByRole('button', { name: 'Enter' });
  // The sidebar's Home link only exists inside the signed-in app.
  const signedIn = page.getByRole('link', { name: 'Home' }).first();
  await enter.or(signedIn).first().waitFor({ timeout: 60_000 });
  if (await enter.isVisible()) {
    await enter.click();
    await signedIn.waitFor({ timeout: 60_000 });
  }
}

/** Saves a full-page screenshot to test/e2e/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * A Backstage user token of the guest, from the backend's guest provider,
 * for calling backend APIs the way the signed-in app does.
 */
export async function guestToken(): Promise<string> {
  const response = await fetch(`${BACKEND_URL}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!response.ok) {
    throw new Error(
      `Guest sign-in at the backend failed: ${response.status} ${await response.text()}`,
    );
  }
  const body = (await response.json()) as {
    backstageIdentity: { token: string };
  };
  return body.backstageIdentity.token;
}

/**
 * A freshly started portal maps the demo incidents to catalog entities in a
 * scheduled task a little after start-up: wait until payments-api has
 * figures, so the views are judged on data and not on the start-up lag.
 */
export async function waitForDemoFigures(timeoutMs = 240_000) {
  const deadline = Date.now() + timeoutMs;
  const to = new Date();
  const from = new Date(to.getTime() - 90 * 86_400_000);
  for (;;) {
    try {
      const token = await guestToken();
      const response = await fetch(
        `${BACKEND_URL}/api/mttr/metrics?entityRef=${encodeURIComponent(
          'component:default/payments-api',
        )}&from=${from.toISOString()}&to=${to.toISOString()}`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      if (
        response.ok &&
        ((await response.json()) as { count: number }).count > 0
      ) {
        return;
      }
    } catch {
      // the backend is (re)starting: try again
    }
    if (Date.now() > deadline) {
      throw new Error(
        'payments-api has no recovery figures: is the demo seeded?',
      );
    }
    await new Promise(r => setTimeout(r, 5000));
  }
}
