// The import wizard: upload a file → check the preview and map its columns (suggested from the
// headers, or a saved mapping) → choose the duplicate strategy → start; the run goes on in the
// background and its page shows the progress.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { App, Button, Card, Flex, Input, Radio, Select, Space, Steps, Table, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import type { ImportPreview } from '@guanxi/contracts';
import { PageHeader } from '../../shared/PageHeader';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { previewFile, startImport, useSavedMappings, useSaveMapping } from './imports.api';

/** How the server names the encoding it read the file with, as the encoding menu shows it. */
const encodingLabels: Record<string, string> = { 'utf-8': 'UTF-8', gb18030: 'GBK / GB18030', 'utf-16le': 'UTF-16LE', 'utf-16be': 'UTF-16BE' };

export default function ImportWizard() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const onError = useMutationErrors();
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<File | null>(null);
  const [encoding, setEncoding] = useState('auto');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [duplicates, setDuplicates] = useState('skip');
  const [busy, setBusy] = useState(false);
  const [mappingName, setMappingName] = useState('');
  const saved = useSavedMappings();
  const save = useSaveMapping();
  const en = i18n.language === 'en';

  const load = async (f: File, enc: string) => {
    setBusy(true);
    try {
      const p = await previewFile(f, enc);
      setPreview(p);
      setMapping(p.suggestedMapping);
    } catch (e) {
      setPreview(null);
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  const start = async () => {
    if (!file) return;
    setBusy(true);
    try {
      const job = await startImport(file, mapping, { duplicates, encoding });
      void navigate(`/imports/${job.id}`);
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  const fieldOptions = (preview?.fields ?? []).map((f) => ({ value: f.key, label: en ? f.labelEn : f.label }));
  const used = new Set(Object.values(mapping));

  return (
    <>
      <PageHeader title={t('imports.newTitle')} description={t('imports.newDescription')} />
      <div className="gx-panel">
        <Steps current={step} items={[{ title: t('imports.stepUpload') }, { title: t('imports.stepMap') }, { title: t('imports.stepOptions') }]} style={{ marginBottom: 24 }} />
        {step === 0 ? (
          <Space direction="vertical" style={{ width: '100%' }} size="middle">
            <Upload.Dragger
              accept=".csv,.txt,.xlsx"
              maxCount={1}
              beforeUpload={(f) => {
                setFile(f);
                void load(f, encoding);
                return false;
              }}
              onRemove={() => {
                setFile(null);
                setPreview(null);
              }}
              data-testid="import-upload"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p>{t('imports.uploadHint')}</p>
              <Typography.Text type="secondary">{t('imports.uploadFormats')}</Typography.Text>
            </Upload.Dragger>
            <Space>
              {t('imports.encoding')}
              <Select
                value={encoding}
                style={{ width: 200 }}
                onChange={(v) => {
                  setEncoding(v);
                  if (file) void load(file, v);
                }}
                options={[
                  { value: 'auto', label: t('imports.encodingAuto') },
                  { value: 'utf8', label: 'UTF-8' },
                  { value: 'gbk', label: 'GBK / GB18030' },
                  { value: 'utf16le', label: 'UTF-16LE' },
                ]}
                data-testid="import-encoding"
              />
              {preview ? (
                <Typography.Text type="secondary" data-testid="import-detected">
                  {t('imports.detected', { encoding: preview.encoding ? (encodingLabels[preview.encoding] ?? preview.encoding) : 'XLSX', columns: preview.header.length })}
                </Typography.Text>
              ) : null}
            </Space>
            {preview ? (
              <Table
                size="small"
                scroll={{ x: true }}
                pagination={false}
                data-testid="import-preview"
                rowKey={(_, i) => String(i)}
                dataSource={preview.rows.map((r) => Object.fromEntries(preview.header.map((h, i) => [String(i), r[i] ?? ''])))}
                columns={preview.header.map((h, i) => ({ title: h, dataIndex: String(i), ellipsis: true }))}
              />
            ) : null}
            <Button type="primary" disabled={!preview} loading={busy} onClick={() => setStep(1)} data-testid="import-next">
              {t('imports.next')}
            </Button>
          </Space>
        ) : null}
        {step === 1 && preview ? (
          <Space direction="vertical" style={{ width: '100%' }} size="middle">
            <Flex gap={8} wrap>
              <Select
                allowClear
                placeholder={t('imports.useSaved')}
                style={{ width: 240 }}
                options={(saved.data?.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
                onChange={(id) => {
                  const m = saved.data?.data.find((x) => x.id === id);
                  if (m) setMapping(Object.fromEntries(Object.entries(m.mapping).filter(([h]) => preview.header.includes(h))));
                }}
                data-testid="import-saved-mapping"
              />
              <Space.Compact>
                <Input placeholder={t('imports.mappingName')} value={mappingName} onChange={(e) => setMappingName(e.target.value)} style={{ width: 200 }} />
                <Button
                  disabled={!mappingName.trim()}
                  loading={save.isPending}
                  onClick={() => save.mutate({ name: mappingName.trim(), mapping }, { onSuccess: () => void message.success(t('imports.mappingSaved')), onError: (e) => onError(e) })}
                  data-testid="import-save-mapping"
                >
                  {t('imports.saveMapping')}
                </Button>
              </Space.Compact>
            </Flex>
            <Table
              size="small"
              pagination={false}
              rowKey="header"
              dataSource={preview.header.map((h, i) => ({ header: h, sample: preview.rows.slice(0, 3).map((r) => r[i] ?? '').filter(Boolean).join(' / ') }))}
              columns={[
                { title: t('imports.column'), dataIndex: 'header', width: 200 },
                { title: t('imports.sample'), dataIndex: 'sample', ellipsis: true },
                {
                  title: t('imports.field'),
                  width: 260,
                  render: (_: unknown, r: { header: string }) => (
                    <Select
                      allowClear
                      showSearch
                      optionFilterProp="label"
                      style={{ width: '100%' }}
                      placeholder={t('imports.ignore')}
                      value={mapping[r.header]}
                      options={fieldOptions.map((o) => ({ ...o, disabled: used.has(o.value) && mapping[r.header] !== o.value }))}
                      onChange={(v?: string) => {
                        const next = { ...mapping };
                        if (v) next[r.header] = v;
                        else delete next[r.header];
                        setMapping(next);
                      }}
                      data-testid={`import-map-${r.header}`}
                    />
                  ),
                },
              ]}
            />
            {!used.has('name') ? <Typography.Text type="danger">{t('imports.needName')}</Typography.Text> : null}
            <Space>
              <Button onClick={() => setStep(0)}>{t('imports.back')}</Button>
              <Button type="primary" disabled={!used.has('name')} onClick={() => setStep(2)} data-testid="import-next">
                {t('imports.next')}
              </Button>
            </Space>
          </Space>
        ) : null}
        {step === 2 ? (
          <Card>
            <Space direction="vertical" size="middle">
              <Typography.Text strong>{t('imports.duplicates')}</Typography.Text>
              <Radio.Group value={duplicates} onChange={(e) => setDuplicates(e.target.value as string)} data-testid="import-duplicates">
                <Space direction="vertical">
                  <Radio value="skip">{t('imports.dupSkip')}</Radio>
                  <Radio value="update">{t('imports.dupUpdate')}</Radio>
                  <Radio value="create">{t('imports.dupCreate')}</Radio>
                </Space>
              </Radio.Group>
              <Typography.Text type="secondary">{t('imports.matchedOn')}</Typography.Text>
              <Space>
                <Button onClick={() => setStep(1)}>{t('imports.back')}</Button>
                <Button type="primary" loading={busy} onClick={() => void start()} data-testid="import-start">
                  {t('imports.start')}
                </Button>
              </Space>
            </Space>
          </Card>
        ) : null}
      </div>
    </>
  );
}
