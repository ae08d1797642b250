import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { InstalmentStatus } from '@guanxi/contracts';

const colors: Record<InstalmentStatus, string> = { paid: 'green', partly_paid: 'blue', open: 'default', overdue: 'red' };

/** An instalment's status; an overdue one says for how many days. */
export function InstalmentStatusTag({ status, days }: { status: InstalmentStatus; days: number }) {
  const { t } = useTranslation();
  return (
    <Tag color={colors[status]} data-testid={`instalment-status-${status}`}>
      {status === 'overdue' ? t('receivables.overdueDays', { days }) : t(`receivables.instalmentStatus.${status}`)}
    </Tag>
  );
}
