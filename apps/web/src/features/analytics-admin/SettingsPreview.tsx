// The preview of proposed settings: per score, customers per class now and with the new settings,
// with the difference, so an admin sees the effect of a cut-off before saving it.
import { Alert, Empty, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AnalyticsSettingsPreview } from '@guanxi/contracts';
import { ClassCountTabs } from './ClassCountTabs';

export function SettingsPreview({ preview, stale }: { preview: AnalyticsSettingsPreview; stale: boolean }) {
  const { t } = useTranslation();
  if (preview.customers === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('analyticsAdmin.previewEmpty')} data-testid="analytics-preview-empty" />;
  return (
    <div data-testid="analytics-preview">
      {stale ? <Alert type="warning" showIcon title={t('analyticsAdmin.previewStale')} style={{ marginBottom: 12 }} /> : null}
      <Typography.Paragraph type="secondary">{t('analyticsAdmin.previewText', { customers: preview.customers.toLocaleString(), asOf: preview.asOf })}</Typography.Paragraph>
      <ClassCountTabs current={preview.current} proposed={preview.proposed} testId="analytics-preview-counts" />
    </div>
  );
}
