// A Chromium for the tests and the few steps every test takes (log in, log out, switch language).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const baseURL = inject('baseURL');
export const admin = { email: inject('adminEmail'), password: inject('adminPassword') };
export const screenshotDir = fileURLToPath(new URL('../screenshots/', import.meta.url));

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export type BrowserLocale = 'zh-CN' | 'en-US';

export async function newPage(
  browser: Browser,
  options: { locale?: BrowserLocale; viewport?: { width: number; height: number }; timezoneId?: string; /** Another server than the shared one (e.g. the demo server). */ baseURL?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: options.baseURL ?? baseURL,
    locale: options.locale ?? 'zh-CN',
    viewport: options.viewport ?? { width: 1280, height: 800 },
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  return { context, page };
}

export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.locator('input[autocomplete="username"]').fill(email);
  await page.locator('input[autocomplete="current-password"]').fill(password);
  await page.getByTestId('login-submit').click();
}

export async function login(page: Page, email: string, password: string): Promise<void> {
  await submitLogin(page, email, password);
  await page.getByTestId('home').waitFor();
}

export async function switchLanguage(page: Page, locale: 'zh-CN' | 'en'): Promise<void> {
  await page.getByTestId('language-switch').click();
  // Until the menu has finished opening its items move, and a click can land on the other language.
  await page.waitForFunction(() => {
    const menu = document.querySelector('.ant-dropdown:not(.ant-dropdown-hidden)');
    return !!menu && !/-(enter|appear)/.test(menu.className);
  });
  await page.getByTestId(`language-${locale}`).click();
  await page.waitForFunction((l) => document.documentElement.lang === l, locale);
  // Choosing the language already selected leaves the menu open; close it so screenshots are clean.
  await page.keyboard.press('Escape');
  await page.locator('.ant-dropdown:not(.ant-dropdown-hidden)').waitFor({ state: 'hidden' });
}

export async function logout(page: Page, label: string): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: label }).click();
  await page.waitForURL((url) => url.pathname === '/login');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.evaluate(async () => {
    await document.fonts.ready;
    window.scrollTo(0, 0);
  });
  await page.screenshot({ path: `${screenshotDir}${name}.png` });
}

/** Side-menu labels currently shown (top level and inside groups). */
export async function menuLabels(page: Page): Promise<string[]> {
  const labels = await page.getByTestId('side-menu').locator('.ant-menu-title-content').allTextContents();
  return labels.map((l) => l.trim());
}
