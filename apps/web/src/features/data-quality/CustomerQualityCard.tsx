// The data-quality card of the customer page: completeness score with what is missing, invalid
// values, whether the record is stale, open duplicates, and "mark verified" (时效性).
import { App, Button, Card, Flex, Progress, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Link } from 'react-router';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { formatDateTime } from '../../shared/format';
import { useCan } from '../auth/session';
import { useCustomerQuality, useVerify } from './data-quality.api';

/** A completeness field's label: the customer field's, or one of the two composite ones. */
export const qualityFieldLabel = (t: TFunction, field: string): string =>
  field === 'contact' || field === 'region' ? t(`dataQuality.field.${field}`) : t(`customerField.${field}` as 'customerField.name');

export function CustomerQualityCard({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const onError = useMutationErrors();
  const q = useCustomerQuality(customerId);
  const verify = useVerify(customerId);
  const d = q.data;
  return (
    <Card title={t('dataQuality.cardTitle')} style={{ marginTop: 20 }} loading={q.isLoading} data-testid="quality-card">
      {d ? (
        <Flex vertical gap={12}>
          <Flex align="center" gap={16}>
            <Progress type="circle" size={64} percent={d.score} status={d.score < 60 ? 'exception' : 'normal'} format={(p) => `${p}`} />
            <Flex vertical>
              <Typography.Text strong>{t('dataQuality.completeness')}</Typography.Text>
              {d.missing.length ? (
                <Typography.Text type="secondary">
                  {t('dataQuality.missing')}
                  {d.missing.map((m) => `${qualityFieldLabel(t, m.field)} (${m.weight})`).join('、')}
                </Typography.Text>
              ) : (
                <Typography.Text type="success">{t('dataQuality.complete')}</Typography.Text>
              )}
            </Flex>
          </Flex>
          {d.invalid.length ? (
            <Space wrap>
              {t('dataQuality.invalidValues')}
              {d.invalid.map((k) => (
                <Tag color="red" key={k}>
                  {t(`customerField.${k}`)}
                </Tag>
              ))}
            </Space>
          ) : null}
          {d.openDuplicates ? (
            <Link to="/duplicates">
              <Tag color="orange">{t('dataQuality.openDuplicates', { count: d.openDuplicates })}</Tag>
            </Link>
          ) : null}
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Space>
              {d.stale ? <Tag color="gold">{t('dataQuality.stale', { days: d.staleAfterDays })}</Tag> : null}
              <Typography.Text type="secondary">{d.verifiedAt ? t('dataQuality.verifiedAt', { at: formatDateTime(d.verifiedAt) }) : t('dataQuality.neverVerified')}</Typography.Text>
            </Space>
            {can('customers.write') ? (
              <Button
                size="small"
                loading={verify.isPending}
                data-testid="mark-verified"
                onClick={() => verify.mutate(d.version, { onSuccess: () => void message.success(t('dataQuality.verifiedToast')), onError: (e) => onError(e, { onReload: () => void q.refetch() }) })}
              >
                {t('dataQuality.markVerified')}
              </Button>
            ) : null}
          </Flex>
        </Flex>
      ) : null}
    </Card>
  );
}
