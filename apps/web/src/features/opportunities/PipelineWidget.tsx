// The home page's pipeline card: per stage the number of deals and their amount, for the user's
// own deals (me) or everything they may see (team); each stage opens the list filtered by it.
// Amounts in several currencies are listed side by side, never added up.
import { Card, Empty, Flex, Progress, Skeleton, Typography } from 'antd';
import { FunnelPlotOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { currencyPrefix, formatMoney, noAmounts } from '../../shared/format';
import { stageLabel } from '../pipelines/pipelines.api';
import { usePipelineSummary } from './opportunities.api';

export default function PipelineWidget({ scope }: { scope: 'me' | 'team' }) {
  const { t } = useTranslation();
  const summary = usePipelineSummary(scope);
  const stages = summary.data?.stages ?? [];
  const max = Math.max(1, ...stages.map((s) => s.count));
  const total = stages.reduce((n, s) => n + s.count, 0);
  return (
    <Card
      title={<><FunnelPlotOutlined /> {t(scope === 'me' ? 'opportunities.widget.title' : 'opportunities.widget.teamTitle')}</>}
      extra={<Link to="/opportunities/board">{t('opportunities.widget.openBoard')} <RightOutlined /></Link>}
      style={{ height: '100%' }}
      data-testid="pipeline-widget"
    >
      {summary.isPending ? (
        <Skeleton active />
      ) : total === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('opportunities.widget.empty')} />
      ) : (
        <Flex vertical gap={10}>
          {stages.map((s) => (
            <Link key={s.stage.id} to={`/opportunities/list?stageId=${s.stage.id}${scope === 'me' ? '&owner=me' : ''}`} data-testid={`pipeline-widget-${s.stage.key ?? s.stage.id}`}>
              <Flex justify="space-between" align="baseline">
                <Typography.Text>{stageLabel(t, s.stage)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('opportunities.count', { count: s.count })} · {(s.amounts.length ? s.amounts : noAmounts).map((a) => formatMoney(a.amount, currencyPrefix(a.currency))).join(' / ')}
                </Typography.Text>
              </Flex>
              <Progress
                percent={Math.round((s.count / max) * 100)}
                showInfo={false}
                size="small"
                strokeColor={s.stage.kind === 'won' ? '#12b76a' : s.stage.kind === 'lost' ? '#f04438' : '#1d4ed8'}
              />
            </Link>
          ))}
        </Flex>
      )}
    </Card>
  );
}
