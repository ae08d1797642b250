// One target's progress as bars: amount and/or count against the time elapsed (时间进度), with the
// behind-schedule warning (销售进度预警) when completion lags by more than the tolerance.
import { Flex, Progress, Tag, Tooltip, Typography } from 'antd';
import { WarningOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TargetProgress } from '@guanxi/contracts';
import { formatMoney } from '../../shared/format';

export function BehindTag({ behind }: { behind: boolean }) {
  const { t } = useTranslation();
  return behind ? (
    <Tag color="warning" icon={<WarningOutlined />} data-testid="target-behind">
      {t('targets.behind')}
    </Tag>
  ) : (
    <Tag color="success" data-testid="target-on-track">
      {t('targets.onTrack')}
    </Tag>
  );
}

function Bar({ percent, expected, behind, label, testId }: { percent: number; expected: number; behind: boolean; label: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('targets.expectedHint', { expected })}>
      <div data-testid={testId}>
        <Flex justify="space-between" gap={8}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
            {label}
          </Typography.Text>
          <Typography.Text style={{ fontSize: 12, whiteSpace: 'nowrap' }} type={behind ? 'warning' : undefined} strong>
            {percent}%
          </Typography.Text>
        </Flex>
        <Progress
          percent={Math.min(percent, 100)}
          showInfo={false}
          size="small"
          strokeColor={behind ? '#f79009' : percent >= 100 ? '#12b76a' : '#1d4ed8'}
          style={{ margin: 0 }}
        />
      </div>
    </Tooltip>
  );
}

/** Each bar is flagged on its own, by the same rule the server applies to the whole target. */
export function TargetProgressBars({ p, tolerance }: { p: TargetProgress; tolerance: number }) {
  const { t } = useTranslation();
  const lags = (percent: number) => percent < p.expectedPercent - tolerance;
  return (
    <Flex vertical gap={4} style={{ minWidth: 0 }}>
      {p.amountPercent !== null && p.target.amountTarget !== null ? (
        <Bar percent={p.amountPercent} expected={p.expectedPercent} behind={lags(p.amountPercent)} label={`${formatMoney(p.actualAmount)} / ${formatMoney(p.target.amountTarget)}`} testId="target-amount-bar" />
      ) : null}
      {p.countPercent !== null && p.target.countTarget !== null ? (
        <Bar percent={p.countPercent} expected={p.expectedPercent} behind={lags(p.countPercent)} label={t('targets.countOf', { actual: p.actualCount, target: p.target.countTarget })} testId="target-count-bar" />
      ) : null}
    </Flex>
  );
}
