// The home page's overdue receivables card (外欠款预警): the overdue amount and count, what falls
// due within 7 days, and the five most overdue instalments — mine, or my team's (data scope).
import { Card, Col, Empty, Flex, List, Row, Statistic, Tag, Typography } from 'antd';
import { RightOutlined, WarningOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../shared/format';
import { useReceivablesSummary, useTopOverdue } from './receivables.api';

export default function OverdueWidget({ scope }: { scope: 'me' | 'team' }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const summary = useReceivablesSummary(scope);
  const top = useTopOverdue(scope, 5);
  const s = summary.data;
  return (
    <Card
      title={
        <>
          <WarningOutlined /> {scope === 'me' ? t('receivables.widgetTitleMe') : t('receivables.widgetTitleTeam')}
        </>
      }
      loading={summary.isPending}
      extra={
        <Typography.Link onClick={() => void navigate(scope === 'me' ? '/receivables/overdue?owner=me' : '/receivables/overdue')} data-testid="overdue-widget-link">
          {t('receivables.viewAll')} <RightOutlined />
        </Typography.Link>
      }
      data-testid={`overdue-widget-${scope}`}
    >
      {s ? (
        <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
          <Col xs={12} md={8}>
            <Statistic title={t('receivables.overdueAmount')} value={formatMoney(s.overdueAmount)} styles={{ content: { color: s.overdueCount ? '#d92d20' : undefined, fontSize: 22 } }} />
            <Typography.Text type="secondary">{t('receivables.overdueCount', { count: s.overdueCount })}</Typography.Text>
          </Col>
          <Col xs={12} md={8}>
            <Statistic title={t('receivables.dueSoon')} value={formatMoney(s.dueSoonAmount)} styles={{ content: { fontSize: 22 } }} />
            <Typography.Text type="secondary">{t('receivables.dueSoonCount', { count: s.dueSoonCount })}</Typography.Text>
          </Col>
          <Col xs={24} md={8}>
            <Statistic title={t('receivables.openBalance')} value={formatMoney(s.openBalance)} styles={{ content: { fontSize: 22 } }} />
          </Col>
        </Row>
      ) : null}
      {top.data?.data.length ? (
        <List
          size="small"
          dataSource={top.data.data}
          renderItem={(r) => (
            <List.Item key={r.instalmentId} data-testid={`overdue-row-${r.instalmentId}`}>
              <Flex gap={8} align="center" style={{ width: '100%', minWidth: 0 }}>
                {/* The customer on top, the order below: in the narrow card a name beside the number got squeezed to one character. */}
                <Flex vertical style={{ flex: 1, minWidth: 0 }}>
                  <Typography.Text ellipsis>{r.customerName ?? ''}</Typography.Text>
                  <Typography.Link onClick={() => void navigate(`/orders/${r.orderId}`)} style={{ fontSize: 12 }}>
                    {r.orderNumber}
                  </Typography.Link>
                </Flex>
                <Tag color="red">{t('receivables.overdueDays', { days: r.daysOverdue })}</Tag>
                <Typography.Text strong>{formatMoney(r.openAmount)}</Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      ) : top.isPending ? null : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('receivables.noOverdue')} />
      )}
    </Card>
  );
}
