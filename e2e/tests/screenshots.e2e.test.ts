// Screenshots of the login page and the home page in both languages, on a laptop and a phone,
// written to e2e/screenshots/ for people to look at (not compared automatically).
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { admin, launch, login, newPage, screenshot, switchLanguage } from '../support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const laptop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };

describe('screenshots', () => {
  for (const [lang, browserLocale] of [['zh-CN', 'zh-CN'], ['en', 'en-US']] as const) {
    test(`login and home in ${lang}`, async () => {
      const { context, page } = await newPage(browser, { locale: browserLocale, viewport: laptop });
      await page.goto('/login');
      await page.getByTestId('login-submit').waitFor();
      await screenshot(page, `login-${lang}`);
      await login(page, admin.email, admin.password);
      await switchLanguage(page, lang);
      await page.mouse.move(0, 0);
      await screenshot(page, `home-${lang}`);
      await context.close();
    });
  }

  test('phone width', async () => {
    const { context, page } = await newPage(browser, { locale: 'zh-CN', viewport: phone });
    await page.goto('/login');
    await page.getByTestId('login-submit').waitFor();
    await screenshot(page, 'phone-login-zh-CN');
    await login(page, admin.email, admin.password);
    await switchLanguage(page, 'zh-CN');
    await screenshot(page, 'phone-home-zh-CN');
    await page.getByTestId('open-menu').click();
    await page.getByTestId('side-menu').waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'phone-menu-zh-CN');
    await context.close();
  });
});
