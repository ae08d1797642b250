// Analytics settings (/settings/analytics, analytics.manage): every setting of the scoring pipeline
// in its section with a plain-words explanation, checked as the server checks it, previewed as
// class counts now vs. with the new values, saved under optimistic locking, or reset to defaults.
import { useEffect, useMemo, useState } from 'react';
import { App, Button, Card, Col, Flex, Form, Popconfirm, Row, Skeleton, Tag, Typography } from 'antd';
import { EyeOutlined, SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { defaultAnalyticsSettings, type AnalyticsSettings, type AnalyticsSettingsRecord } from '@guanxi/contracts';
import { PageHeader } from '../../shared/PageHeader';
import { formatDateTime } from '../../shared/format';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { analyticsSettingsKey, previewAnalyticsSettings, saveAnalyticsSettings, useAnalyticsSettings } from './analytics-admin.api';
import { settingSections, type FieldDef, type SectionDef } from './settings-fields';
import { serverErrors, validateSettings, type SettingErrors } from './settings-validation';
import { SettingControl } from './SettingControl';
import { SettingsPreview } from './SettingsPreview';

const isRecord = (v: unknown): v is AnalyticsSettingsRecord => typeof v === 'object' && v !== null && 'settings' in v && 'version' in v;

function SettingSection({ section, errors }: { section: SectionDef; errors: SettingErrors }) {
  const { t } = useTranslation();
  const groupError = (section.groupPaths ?? []).map((p) => errors[p]).find(Boolean);
  // Weights (compact) form their own block with the group's hint or error above them.
  const weights = section.fields.filter((f) => f.compact);
  const others = section.fields.filter((f) => !f.compact);
  const row = (fields: FieldDef[]) => (
    <Row gutter={16}>
      {fields.map((f) => (
        <SettingControl key={f.id} field={f} error={errors[f.path.join('.')]} />
      ))}
    </Row>
  );
  return (
    <Card title={t(`analyticsAdmin.section.${section.key}.title`)} size="small" data-testid={`settings-section-${section.key}`}>
      <Typography.Paragraph type="secondary">{t(`analyticsAdmin.section.${section.key}.text`)}</Typography.Paragraph>
      {weights.length ? (
        <div style={{ padding: '12px 12px 0', marginBottom: 16, border: '1px solid var(--gx-border)', borderRadius: 8, background: 'rgba(0,0,0,0.015)' }}>
          <Typography.Paragraph type={groupError ? 'danger' : 'secondary'} data-testid={`settings-weights-${section.key}`}>
            {groupError ?? t('analyticsAdmin.weightsHint')}
          </Typography.Paragraph>
          {row(weights)}
        </div>
      ) : null}
      {row(others)}
    </Card>
  );
}

export default function AnalyticsSettingsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const record = useAnalyticsSettings();
  const [form] = Form.useForm<AnalyticsSettings>();
  const [values, setValues] = useState<AnalyticsSettings | null>(null);
  const [fromServer, setFromServer] = useState<SettingErrors>({});
  const [previewed, setPreviewed] = useState<string | null>(null);

  const fill = (s: AnalyticsSettings) => {
    form.resetFields();
    form.setFieldsValue(structuredClone(s));
    setValues(structuredClone(s));
    setFromServer({});
  };
  useEffect(() => {
    if (record.data) fill(record.data.settings);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [record.data]);

  const errors = useMemo(() => ({ ...(values ? validateSettings(values, t) : {}), ...fromServer }), [values, fromServer, t]);
  const valid = Object.keys(errors).length === 0;
  const json = JSON.stringify(values);
  const dirty = !!record.data && json !== JSON.stringify(record.data.settings);

  const save = useMutation({
    mutationFn: (s: AnalyticsSettings) => saveAnalyticsSettings(s, record.data?.version ?? 1),
    onSuccess: (r) => {
      client.setQueryData(analyticsSettingsKey, r);
      void message.success(t('analyticsAdmin.saved'));
    },
    onError: (e) => {
      const placed = serverErrors(e);
      if (placed) return setFromServer(placed);
      onError(e, {
        onReload: (current) => (isRecord(current) ? client.setQueryData(analyticsSettingsKey, current) : void client.invalidateQueries({ queryKey: analyticsSettingsKey })),
      });
    },
  });
  const preview = useMutation({
    mutationFn: (s: AnalyticsSettings) => previewAnalyticsSettings(s),
    onSuccess: (_, s) => setPreviewed(JSON.stringify(s)),
    onError: (e) => {
      const placed = serverErrors(e);
      if (placed) setFromServer(placed);
      else onError(e);
    },
  });

  // Both buttons act on what the form holds, and only once the contract's checks pass.
  const run = (action: (s: AnalyticsSettings) => void) => {
    if (!values || !valid) return void message.error(t('analyticsAdmin.invalidForm'));
    action(values);
  };

  if (record.isPending || !values) return <Skeleton active />;
  const updatedAt = record.data?.updatedAt;
  return (
    <>
      <PageHeader title={t('analyticsAdmin.settingsTitle')} description={t('analyticsAdmin.settingsDescription')} />
      <Row gutter={[16, 16]} align="top">
        <Col xs={{ span: 24, order: 2 }} xl={{ span: 15, order: 1 }}>
          <Form<AnalyticsSettings>
            form={form}
            layout="vertical"
            autoComplete="off"
            onValuesChange={() => {
              setValues(form.getFieldsValue(true));
              setFromServer({});
            }}
            data-testid="analytics-settings-form"
          >
            <Flex vertical gap={16}>
              {settingSections.map((s) => (
                <SettingSection key={s.key} section={s} errors={errors} />
              ))}
            </Flex>
          </Form>
        </Col>
        {/* top: below the app's sticky 64 px header, which covered the save button */}
        <Col xs={{ span: 24, order: 1 }} xl={{ span: 9, order: 2 }} style={{ position: 'sticky', top: 80 }}>
          <Card size="small" title={t('analyticsAdmin.actionsTitle')}>
            <Flex gap={8} wrap style={{ marginBottom: 12 }}>
              <Button type="primary" icon={<SaveOutlined />} loading={save.isPending} disabled={!dirty} onClick={() => run((s) => save.mutate(s))} data-testid="analytics-settings-save">
                {t('common.save')}
              </Button>
              <Button icon={<EyeOutlined />} loading={preview.isPending} onClick={() => run((s) => preview.mutate(s))} data-testid="analytics-settings-preview">
                {t('analyticsAdmin.preview')}
              </Button>
              <Popconfirm title={t('analyticsAdmin.restoreDefaultsConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => fill(defaultAnalyticsSettings)}>
                <Button icon={<UndoOutlined />} data-testid="analytics-settings-defaults">
                  {t('analyticsAdmin.restoreDefaults')}
                </Button>
              </Popconfirm>
            </Flex>
            <Flex gap={8} wrap align="center" style={{ marginBottom: preview.data ? 12 : 0 }}>
              {dirty ? <Tag color="orange">{t('analyticsAdmin.unsaved')}</Tag> : null}
              <Typography.Text type="secondary">{updatedAt ? t('analyticsAdmin.updatedAt', { at: formatDateTime(updatedAt) }) : t('analyticsAdmin.neverSaved')}</Typography.Text>
            </Flex>
            {preview.data ? <SettingsPreview preview={preview.data} stale={previewed !== json} /> : null}
          </Card>
        </Col>
      </Row>
    </>
  );
}
