// The company's approval rule for orders (订单审批规则), for sales.manage: an amount and a line
// discount from which a confirm needs the owner's manager's approval. Empty means off.
import { useEffect } from 'react';
import { Alert, App, Button, Card, Form, Input, Skeleton, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { OrderApprovalSettings } from '@guanxi/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { formatDateTime } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { moneyPattern } from '../products/ProductForm';
import { percentToRate, rateToPercent } from './order-money';
import { approvalSettingsKey, useApprovalSettings } from './orders.api';

interface Values {
  amountThreshold?: string;
  discountPercent?: string;
}
const percentPattern = /^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/;

export default function ApprovalSettingsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const settings = useApprovalSettings();
  const [form] = Form.useForm<Values>();

  const fill = (s: OrderApprovalSettings) => form.setFieldsValue({ amountThreshold: s.amountThreshold ?? '', discountPercent: s.discountRateThreshold === null ? '' : rateToPercent(s.discountRateThreshold) });
  useEffect(() => {
    if (settings.data) fill(settings.data);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settings.data]);

  const save = useMutation({
    mutationFn: (v: Values) =>
      api<OrderApprovalSettings>('/order-approval-settings', {
        method: 'PUT',
        body: {
          amountThreshold: v.amountThreshold?.trim() || null,
          discountRateThreshold: v.discountPercent?.trim() ? percentToRate(v.discountPercent) : null,
          version: settings.data?.version ?? 0,
        },
      }),
    onSuccess: (s) => {
      client.setQueryData(approvalSettingsKey, s);
      void message.success(t('orders.settingsSaved'));
    },
    onError: (e) =>
      onError(e, {
        form,
        onReload: (current) => {
          if (current && typeof current === 'object' && 'version' in current) {
            client.setQueryData(approvalSettingsKey, current);
            fill(current as OrderApprovalSettings);
          }
        },
      }),
  });

  if (settings.isPending) return <Skeleton active />;
  return (
    <>
      <PageHeader title={t('orders.settingsTitle')} description={t('orders.settingsDescription')} />
      <Card style={{ maxWidth: 640 }}>
        <Alert type="info" showIcon title={t('orders.approverRule')} style={{ marginBottom: 20 }} />
        <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} autoComplete="off">
          <Form.Item name="amountThreshold" label={t('orders.amountThreshold')} extra={t('orders.amountThresholdHelp')} rules={[{ pattern: moneyPattern, message: t('orders.moneyFormat') }]}>
            <Input prefix="¥" inputMode="decimal" placeholder={t('orders.off')} style={{ maxWidth: 240 }} data-testid="approval-amount" />
          </Form.Item>
          <Form.Item name="discountPercent" label={t('orders.discountThreshold')} extra={t('orders.discountThresholdHelp')} rules={[{ pattern: percentPattern, message: t('orders.percentFormat') }]}>
            <Input suffix="%" inputMode="decimal" placeholder={t('orders.off')} style={{ maxWidth: 160 }} data-testid="approval-discount" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="approval-settings-save">
            {t('common.save')}
          </Button>
          {settings.data?.updatedAt ? (
            <Typography.Text type="secondary" style={{ marginInlineStart: 12 }}>
              {t('orders.settingsUpdatedAt', { at: formatDateTime(settings.data.updatedAt) })}
            </Typography.Text>
          ) : null}
        </Form>
      </Card>
    </>
  );
}
