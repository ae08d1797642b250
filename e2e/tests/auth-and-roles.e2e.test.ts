// The browser flow: log in, switch language, create a user as admin, log in as that user,
// see only what the role allows, log out. Plus the login error and the remembered language.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { admin, launch, login, logout, menuLabels, newPage, submitLogin, switchLanguage } from '../support/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('login and roles', () => {
  test('a wrong password shows the error in the user’s language', async () => {
    const { context, page } = await newPage(browser, { locale: 'zh-CN' });
    await submitLogin(page, admin.email, 'not-the-password');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('邮箱或密码错误');

    await switchLanguage(page, 'en');
    await submitLogin(page, admin.email, 'still-not-it');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('Wrong email or password');
    await context.close();
  });

  test('the language choice is applied everywhere and survives a reload', async () => {
    const { context, page } = await newPage(browser, { locale: 'zh-CN' });
    await login(page, admin.email, admin.password);
    expect(await menuLabels(page)).toContain('工作台');

    await switchLanguage(page, 'en');
    // on the home page the first menu group is open; settings opens on a click
    await page.getByTestId('side-menu').getByText('System settings', { exact: true }).click();
    expect(await menuLabels(page)).toEqual(expect.arrayContaining(['Home', 'System settings', 'Users', 'Roles', 'Audit log']));

    await page.reload();
    await page.getByTestId('home').waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await menuLabels(page)).toContain('Home');

    // Back to Chinese for the tests that follow; the choice is saved to the profile too.
    await switchLanguage(page, 'zh-CN');
    await page.getByTestId('side-menu').getByText('系统设置', { exact: true }).click();
    expect(await menuLabels(page)).toContain('用户');
    await context.close();
  });

  test('an admin creates a sales rep, who sees only what the role allows', async () => {
    const email = `rep.${Date.now()}@example.com`;
    const firstPassword = 'Initial-12345';
    const ownPassword = 'Mine-67890-xyz';

    const adminSession = await newPage(browser, { locale: 'zh-CN' });
    const page = adminSession.page;
    await login(page, admin.email, admin.password);
    await page.goto('/settings/users');
    await page.getByTestId('create-user').click();
    const drawer = page.locator('.ant-drawer-section');
    await drawer.locator('#user_name').fill('陈小红');
    await drawer.locator('#user_email').fill(email);
    await drawer.locator('#user_password').fill(firstPassword);
    await drawer.locator('#user_roleId').click();
    await page.locator('.ant-select-item-option', { hasText: '销售代表' }).click();
    await page.getByTestId('user-form-submit').click();
    await page.locator('.ant-message-success').waitFor();
    await expect.poll(() => page.getByTestId('users-table').textContent()).toContain(email);
    await logout(page, '退出登录');
    await adminSession.context.close();

    const rep = await newPage(browser, { locale: 'zh-CN' });
    await submitLogin(rep.page, email, firstPassword);
    // A user created by an admin must choose their own password first.
    await rep.page.waitForURL('**/change-password');
    await rep.page.locator('#changePassword_currentPassword').fill(firstPassword);
    await rep.page.locator('#changePassword_newPassword').fill(ownPassword);
    await rep.page.locator('#changePassword_confirm').fill(ownPassword);
    await rep.page.getByRole('button', { name: '修改密码' }).click();
    await rep.page.getByTestId('home').waitFor();

    const labels = await menuLabels(rep.page);
    expect(labels).toContain('工作台');
    expect(labels).not.toContain('用户');
    expect(labels).not.toContain('角色');
    expect(labels).not.toContain('部门');
    expect(labels).not.toContain('审计日志');
    expect(await rep.page.getByTestId('home-role').textContent()).toBe('销售代表');

    await rep.page.goto('/settings/users');
    await rep.page.getByText('没有访问权限').waitFor();

    await rep.page.goto('/');
    await rep.page.getByTestId('home').waitFor();
    await logout(rep.page, '退出登录');
    await rep.page.goto('/');
    await rep.page.waitForURL('**/login');
    await rep.context.close();
  });
});
