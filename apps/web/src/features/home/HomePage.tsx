// The home page (工作台). For a rep: today's tasks and follow-ups, overdue items, target progress,
// the pipeline by stage and overdue receivables. For a manager — anyone
// with sales.manage or a data scope wider than their own rows — a me / team switch shows the same
// for the team, each number opening the list filtered by person. Below: quick links, role, scope.
import { Card, Col, Empty, Flex, Row, Segmented, Tag, Typography } from 'antd';
import { EyeOutlined, IdcardOutlined, RightOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import dayjs from 'dayjs';
import { useCan, useCurrentUser } from '../auth/session';
import { visibleFeatures } from '../../app/features';
import { permissionKey } from '../../i18n/keys';
import { roleLabel } from '../../shared/role-label';
import { Reminders } from './Reminders';
import TargetProgressWidget from '../targets/TargetProgressWidget';
import PipelineWidget from '../opportunities/PipelineWidget';
import OverdueWidget from '../receivables/OverdueWidget';

const setupSteps = [
  { path: '/settings/departments', label: 'home.setupDepartments' },
  { path: '/settings/roles', label: 'home.setupRoles' },
  { path: '/settings/users', label: 'home.setupUsers' },
] as const;

function greetingKey(hour: number) {
  if (hour < 12) return 'home.morning' as const;
  if (hour < 18) return 'home.afternoon' as const;
  return 'home.evening' as const;
}

export default function HomePage() {
  const { t } = useTranslation();
  const user = useCurrentUser();
  const can = useCan();
  const navigate = useNavigate();
  const links = visibleFeatures(can).filter((f) => f.description);
  const isAdmin = can('departments.manage') && can('roles.manage') && can('users.manage');
  const isManager = can('sales.manage') || user.dataScope !== 'own';
  const [params, setParams] = useSearchParams();
  const scope: 'me' | 'team' = isManager && params.get('view') === 'team' ? 'team' : 'me';
  const sales = can('sales.read');

  return (
    <div data-testid="home">
      <div className="gx-hero-card">
        <Typography.Text type="secondary">{dayjs().format(t('home.dateFormat'))}</Typography.Text>
        <Typography.Title level={2} style={{ margin: '6px 0 8px' }} data-testid="greeting">
          {t(greetingKey(dayjs().hour()), { name: user.name })}
        </Typography.Title>
        <Flex justify="space-between" align="flex-end" gap={16} wrap>
          <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 720 }}>
            {t('home.subtitle')}
          </Typography.Paragraph>
          {isManager ? (
            <Segmented<'me' | 'team'>
              value={scope}
              onChange={(v) => setParams(v === 'team' ? { view: 'team' } : {}, { replace: true })}
              options={[
                { value: 'me', label: t('home.viewMine') },
                { value: 'team', label: t('home.viewTeam') },
              ]}
              data-testid="home-scope"
            />
          ) : null}
        </Flex>
      </div>

      <Row gutter={[20, 20]}>
        <Col xs={24} xl={sales ? 14 : 24}>
          <Reminders key={scope} scope={scope} />
        </Col>
        {sales ? (
          <Col xs={24} xl={10}>
            <TargetProgressWidget key={scope} scope={scope} />
          </Col>
        ) : null}
        {sales ? (
          <Col xs={24} xl={14}>
            <PipelineWidget key={scope} scope={scope} />
          </Col>
        ) : null}
        {sales ? (
          <Col xs={24} xl={10}>
            <OverdueWidget key={scope} scope={scope} />
          </Col>
        ) : null}
        <Col xs={24} lg={8}>
          <Card title={<><IdcardOutlined /> {t('home.roleTitle')}</>} style={{ height: '100%' }}>
            <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="home-role">
              {roleLabel(t, { key: user.roleKey, name: user.roleName })}
            </Typography.Title>
            <Typography.Text type="secondary">{user.email}</Typography.Text>
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card title={<><EyeOutlined /> {t('home.scopeTitle')}</>} style={{ height: '100%' }}>
            <Tag color="blue" style={{ fontSize: 14, padding: '2px 10px', marginBottom: 10 }}>
              {t(`dataScope.${user.dataScope}`)}
            </Tag>
            <Typography.Paragraph style={{ margin: 0 }}>{t(`dataScopeHelp.${user.dataScope}`)}</Typography.Paragraph>
          </Card>
        </Col>

        {isAdmin ? (
          <Col xs={24}>
            <Card title={t('home.setupTitle')}>
              <Typography.Paragraph type="secondary">{t('home.setupText')}</Typography.Paragraph>
              <Row gutter={[12, 12]}>
                {setupSteps.map((step, i) => (
                  <Col xs={24} md={8} key={step.path}>
                    <Card size="small" className="gx-link-card" onClick={() => navigate(step.path)}>
                      <Flex gap={12} align="center">
                        <span className="gx-step-number">{i + 1}</span>
                        <Typography.Text strong>{t(step.label)}</Typography.Text>
                        <RightOutlined style={{ marginLeft: 'auto', color: '#98a2b3' }} />
                      </Flex>
                    </Card>
                  </Col>
                ))}
              </Row>
            </Card>
          </Col>
        ) : null}

        <Col xs={24}>
          <Card title={t('home.quickLinks')}>
            {links.length ? (
              <Row gutter={[16, 16]}>
                {links.map((f) => (
                  <Col xs={24} sm={12} xl={8} key={f.key}>
                    <Card size="small" className="gx-link-card" onClick={() => navigate(f.path)} data-testid={`quick-link-${f.key}`}>
                      <Flex gap={12} align="flex-start">
                        <span className="gx-link-icon">{f.icon}</span>
                        <div style={{ minWidth: 0 }}>
                          <Typography.Text strong>{t(`nav.${f.label}`)}</Typography.Text>
                          <Typography.Paragraph type="secondary" style={{ margin: '2px 0 0', fontSize: 13 }}>
                            {f.description ? t(`home.${f.description}`) : null}
                          </Typography.Paragraph>
                        </div>
                      </Flex>
                    </Card>
                  </Col>
                ))}
              </Row>
            ) : (
              <Typography.Text type="secondary">{t('home.noQuickLinks')}</Typography.Text>
            )}
          </Card>
        </Col>

        <Col xs={24} lg={can('customers.read') ? 24 : 12}>
          <Card title={<><SafetyCertificateOutlined /> {t('home.permissionsTitle')}</>} style={{ height: '100%' }}>
            {user.permissions.length ? (
              <Flex wrap gap={6}>
                {user.permissions.map((p) => (
                  <Tag key={p} variant="filled">
                    {t(`perm.${permissionKey(p)}`)}
                  </Tag>
                ))}
              </Flex>
            ) : (
              <Typography.Text type="secondary">{t('home.noPermissions')}</Typography.Text>
            )}
          </Card>
        </Col>
        {can('customers.read') ? null : (
        <Col xs={24} lg={12}>
          <Card style={{ height: '100%' }}>
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={
                <>
                  <Typography.Text strong>{t('home.emptyTitle')}</Typography.Text>
                  <Typography.Paragraph type="secondary" style={{ margin: '4px auto 0', maxWidth: 420 }}>
                    {t('home.emptyText')}
                  </Typography.Paragraph>
                </>
              }
            />
          </Card>
        </Col>
        )}
      </Row>
    </div>
  );
}
