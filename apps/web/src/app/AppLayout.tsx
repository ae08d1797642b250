// The frame around every page after login: side menu (a drawer on phones), header with the
// language switch and the user menu, and the page itself.
import { Suspense, useMemo, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { Avatar, Button, Drawer, Dropdown, Flex, Grid, Layout, Menu, Typography, type MenuProps } from 'antd';
import { KeyOutlined, LogoutOutlined, MenuFoldOutlined, MenuOutlined, MenuUnfoldOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useCan, useCurrentUser } from '../features/auth/session';
import { useLogout } from '../features/auth/useLogout';
import { ProfileModal } from '../features/auth/ProfileModal';
import { ChangePasswordModal } from '../features/auth/ChangePasswordModal';
import { LanguageSwitch } from '../shared/LanguageSwitch';
import { roleLabel } from '../shared/role-label';
import { BrandMark } from '../shared/BrandMark';
import { features, menuGroups, visibleFeatures, type MenuGroup } from './features';
import { FullPageSpin } from './StatusPages';
import { GlobalSearch } from '../features/search/GlobalSearch';
import { NotificationBell } from '../features/notifications/NotificationBell';

const { Header, Sider, Content } = Layout;

function useMenu(onNavigate: () => void) {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const location = useLocation();

  const items = useMemo<NonNullable<MenuProps['items']>>(() => {
    const visible = visibleFeatures(can);
    const out: NonNullable<MenuProps['items']> = [];
    const groups = new Map<MenuGroup, NonNullable<MenuProps['items']>>();
    for (const f of visible) {
      const item = { key: f.path, icon: f.icon, label: t(`nav.${f.label}`) };
      if (!f.group) {
        out.push(item);
        continue;
      }
      let children = groups.get(f.group);
      if (!children) {
        children = [];
        groups.set(f.group, children);
        const g = menuGroups[f.group];
        out.push({ key: `group:${f.group}`, icon: g.icon, label: t(`nav.${g.label}`), children });
      }
      children.push(item);
    }
    return out;
  }, [can, t]);

  const selected = features
    .filter((f) => !f.hidden && (f.path === '/' ? location.pathname === '/' : location.pathname === f.path || location.pathname.startsWith(`${f.path}/`)))
    .map((f) => f.path);
  const openGroups = features.filter((f) => f.group && selected.includes(f.path)).map((f) => `group:${f.group}`);

  return {
    items,
    selected,
    // on a page outside any group, the first group the user has (Sales for a rep, not Settings) is open
    openGroups: openGroups.length ? openGroups : items.map((i) => String(i?.key)).filter((k) => k.startsWith('group:')).slice(0, 1),
    onClick: ({ key }: { key: string }) => {
      navigate(key);
      onNavigate();
    },
  };
}

export function AppLayout() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const screens = Grid.useBreakpoint();
  const isDesktop = screens.lg ?? true;
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [profileOpen, setProfileOpen] = useState(false);
  const [passwordOpen, setPasswordOpen] = useState(false);
  const logout = useLogout();
  const menu = useMenu(() => setDrawerOpen(false));

  const menuNode = (inDrawer: boolean) => (
    <Menu
      theme="dark"
      mode="inline"
      items={menu.items}
      selectedKeys={menu.selected}
      defaultOpenKeys={menu.openGroups}
      onClick={menu.onClick}
      inlineCollapsed={inDrawer ? false : collapsed}
      className="gx-menu"
      data-testid="side-menu"
    />
  );

  const userMenu: MenuProps = {
    items: [
      { key: 'profile', icon: <UserOutlined />, label: t('userMenu.profile') },
      { key: 'password', icon: <KeyOutlined />, label: t('userMenu.changePassword') },
      { type: 'divider' },
      { key: 'logout', icon: <LogoutOutlined />, label: t('userMenu.logout'), danger: true },
    ],
    onClick: ({ key }) => {
      if (key === 'profile') setProfileOpen(true);
      if (key === 'password') setPasswordOpen(true);
      if (key === 'logout') void logout();
    },
  };

  return (
    <Layout className="gx-shell">
      {isDesktop ? (
        <Sider width={232} collapsedWidth={72} collapsed={collapsed} trigger={null} className="gx-sider">
          <BrandMark collapsed={collapsed} dark />
          {menuNode(false)}
        </Sider>
      ) : (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={260}
          closable={false}
          styles={{ body: { padding: 0, background: 'var(--gx-sider-bg)' } }}
        >
          <BrandMark dark />
          {menuNode(true)}
        </Drawer>
      )}
      <Layout>
        <Header className="gx-header">
          <Flex align="center" gap={8} style={{ minWidth: 0 }}>
            {isDesktop ? (
              <Button
                type="text"
                aria-label={collapsed ? t('nav.expand') : t('nav.collapse')}
                icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
                onClick={() => setCollapsed((c) => !c)}
              />
            ) : (
              <>
                <Button type="text" aria-label={t('nav.openMenu')} icon={<MenuOutlined />} onClick={() => setDrawerOpen(true)} data-testid="open-menu" />
                <BrandMark compact />
              </>
            )}
          </Flex>
          <Flex align="center" gap={4}>
            <GlobalSearch compact={!isDesktop} />
            <NotificationBell />
            <LanguageSwitch />
            <Dropdown menu={userMenu} trigger={['click']} placement="bottomRight">
              <Button type="text" className="gx-user-button" data-testid="user-menu">
                <Avatar size={28} className="gx-avatar">
                  {user.name.trim().charAt(0).toUpperCase() || <UserOutlined />}
                </Avatar>
                {isDesktop ? (
                  <span className="gx-user-text">
                    <Typography.Text strong ellipsis style={{ maxWidth: 160, lineHeight: 1.2 }}>
                      {user.name}
                    </Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12, lineHeight: 1.2 }}>
                      {roleLabel(t, { key: user.roleKey, name: user.roleName })}
                    </Typography.Text>
                  </span>
                ) : null}
              </Button>
            </Dropdown>
          </Flex>
        </Header>
        <Content className="gx-content">
          <Suspense fallback={<FullPageSpin />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
      <ProfileModal open={profileOpen} onClose={() => setProfileOpen(false)} />
      <ChangePasswordModal open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </Layout>
  );
}
