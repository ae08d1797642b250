// Pipeline settings (销售漏斗设置): the pipelines with their stages, and an editor for one pipeline's
// stage list (add, rename, reorder, re-weight, remove). The server refuses removing a stage that
// deals still sit in and says which; that message is shown as is.
import { useEffect, useState } from 'react';
import { App, Button, Card, Drawer, Flex, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Pipeline, PipelineStageInput } from '@guanxi/contracts';
import { api, isApiError } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { opportunitiesKey } from '../opportunities/opportunities.api';
import { pipelineLabel, pipelinesKey, stageColor, stageLabel, usePipelines } from './pipelines.api';

interface Values {
  name: string;
  active: boolean;
  staleAfterDays: number;
  stages: PipelineStageInput[];
}

const newStages: PipelineStageInput[] = [
  { name: '初步接触', probability: 20, kind: 'open' },
  { name: '方案报价', probability: 50, kind: 'open' },
  { name: '赢单', probability: 100, kind: 'won' },
  { name: '输单', probability: 0, kind: 'lost' },
];

export default function PipelineSettings() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const pipelines = usePipelines();
  const [editing, setEditing] = useState<Pipeline | 'new' | null>(null);
  const refresh = () => Promise.all([client.invalidateQueries({ queryKey: pipelinesKey }), client.invalidateQueries({ queryKey: opportunitiesKey })]);
  const makeDefault = useMutation({
    mutationFn: (p: Pipeline) => api<Pipeline>(`/pipelines/${p.id}`, { method: 'PATCH', body: { isDefault: true, version: p.version } }),
    onSuccess: () => void refresh(),
    onError: (e) => onError(e),
  });
  const remove = useMutation({
    mutationFn: (p: Pipeline) => api<void>(`/pipelines/${p.id}`, { method: 'DELETE' }),
    onSuccess: () => {
      void message.success(t('common.deleted'));
      void refresh();
    },
    onError: (e) => onError(e),
  });

  return (
    <>
      <PageHeader
        title={t('pipelines.pageTitle')}
        description={t('pipelines.description')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="pipeline-new">
            {t('pipelines.new')}
          </Button>
        }
      />
      <Flex vertical gap={16}>
        {(pipelines.data ?? []).map((p) => (
          <Card
            key={p.id}
            title={
              <Space>
                {pipelineLabel(t, p)}
                {p.isDefault ? <Tag color="blue">{t('pipelines.isDefault')}</Tag> : null}
                {p.active ? null : <Tag>{t('common.inactive')}</Tag>}
              </Space>
            }
            extra={
              <Space>
                {p.isDefault || !p.active ? null : (
                  <Button size="small" onClick={() => makeDefault.mutate(p)}>
                    {t('pipelines.setDefault')}
                  </Button>
                )}
                <Button size="small" onClick={() => setEditing(p)} data-testid={`pipeline-edit-${p.id}`}>
                  {t('common.edit')}
                </Button>
                {p.isDefault ? null : (
                  <Popconfirm title={t('pipelines.deleteConfirm')} onConfirm={() => remove.mutate(p)}>
                    <Button size="small" danger icon={<DeleteOutlined />} />
                  </Popconfirm>
                )}
              </Space>
            }
            data-testid={`pipeline-card-${p.id}`}
          >
            <Flex gap={8} wrap>
              {p.stages.map((s) => (
                <Tag key={s.id} color={stageColor[s.kind]}>
                  {stageLabel(t, s)} · {s.probability}%
                </Tag>
              ))}
            </Flex>
            <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
              {t('pipelines.staleAfterDays')}{t('common.colon')}{p.staleAfterDays}
            </Typography.Text>
          </Card>
        ))}
      </Flex>
      <PipelineEditor target={editing} onClose={() => setEditing(null)} onSaved={() => void refresh()} />
    </>
  );
}

function PipelineEditor({ target, onClose, onSaved }: { target: Pipeline | 'new' | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useMutationErrors();
  const [form] = Form.useForm<Values>();
  const pipeline = target === 'new' ? null : target;

  useEffect(() => {
    if (target === null) return;
    form.setFieldsValue(
      pipeline
        ? { name: pipeline.name, active: pipeline.active, staleAfterDays: pipeline.staleAfterDays, stages: pipeline.stages.map((s) => ({ id: s.id, name: s.name, probability: s.probability, kind: s.kind })) }
        : { name: '', active: true, staleAfterDays: 14, stages: newStages },
    );
  }, [target, pipeline, form]);

  const save = useMutation({
    mutationFn: (v: Values) =>
      pipeline ? api<Pipeline>(`/pipelines/${pipeline.id}`, { method: 'PATCH', body: { ...v, version: pipeline.version } }) : api<Pipeline>('/pipelines', { method: 'POST', body: v }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      onSaved();
      onClose();
    },
    onError: (e) => {
      // list-level refusals (stage counts, a stage still holding deals) have no field to sit on
      const d = isApiError(e) ? e.details[0] : undefined;
      if (isApiError(e) && d?.path === 'stages') {
        const known = d.code === 'won_stage_count' || d.code === 'lost_stage_count' || d.code === 'open_stage_count' ? d.code : null;
        void message.error(known ? t(`pipelines.stageErrors.${known}`) : e.message);
        return;
      }
      onError(e, { form, onReload: () => { onSaved(); onClose(); } });
    },
  });

  return (
    <Drawer open={target !== null} onClose={onClose} size={720} title={pipeline ? t('pipelines.edit') : t('pipelines.new')} destroyOnHidden>
      <Form<Values> form={form} layout="vertical" onFinish={(v) => save.mutate(v)} data-testid="pipeline-form">
        <Flex gap={16}>
          <Form.Item name="name" label={t('pipelines.name')} rules={[{ required: true, whitespace: true, max: 100 }]} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
          <Form.Item name="staleAfterDays" label={t('pipelines.staleAfterDays')} tooltip={t('pipelines.staleAfterDaysHelp')} rules={[{ required: true }]}>
            <InputNumber min={1} max={3650} precision={0} />
          </Form.Item>
          <Form.Item name="active" label={t('pipelines.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Flex>
        <Typography.Text strong>{t('pipelines.stages')}</Typography.Text>
        <Form.List name="stages">
          {(fields, { add, remove, move }) => (
            <>
              <Table
                size="small"
                pagination={false}
                rowKey="key"
                dataSource={fields}
                style={{ marginTop: 8 }}
                data-testid="stage-editor"
                columns={[
                  {
                    key: 'name',
                    title: t('pipelines.stageName'),
                    render: (_, f) => (
                      <Form.Item name={[f.name, 'name']} rules={[{ required: true, whitespace: true, max: 60 }]} style={{ margin: 0 }}>
                        <Input data-testid={`stage-name-${f.name}`} />
                      </Form.Item>
                    ),
                  },
                  {
                    key: 'probability',
                    title: t('pipelines.probability'),
                    width: 120,
                    render: (_, f) => (
                      <Form.Item name={[f.name, 'probability']} rules={[{ required: true }]} style={{ margin: 0 }}>
                        <InputNumber min={0} max={100} precision={0} style={{ width: '100%' }} />
                      </Form.Item>
                    ),
                  },
                  {
                    key: 'kind',
                    title: t('pipelines.kind'),
                    width: 120,
                    render: (_, f) => (
                      <Form.Item name={[f.name, 'kind']} style={{ margin: 0 }}>
                        <Select options={(['open', 'won', 'lost'] as const).map((k) => ({ value: k, label: t(`pipelines.kinds.${k}`) }))} />
                      </Form.Item>
                    ),
                  },
                  {
                    key: 'actions',
                    width: 120,
                    render: (_, f, i) => (
                      <Space size={4}>
                        <Button size="small" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, i - 1)} aria-label={t('pipelines.moveUp')} />
                        <Button size="small" icon={<ArrowDownOutlined />} disabled={i === fields.length - 1} onClick={() => move(i, i + 1)} aria-label={t('pipelines.moveDown')} />
                        <Button size="small" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('pipelines.removeStage')} data-testid={`stage-remove-${f.name}`} />
                      </Space>
                    ),
                  },
                ]}
              />
              <Button icon={<PlusOutlined />} style={{ marginTop: 8 }} onClick={() => add({ name: '', probability: 50, kind: 'open' }, Math.max(0, fields.length - 2))} data-testid="stage-add">
                {t('pipelines.addStage')}
              </Button>
            </>
          )}
        </Form.List>
        <Flex justify="end" style={{ marginTop: 24 }}>
          <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="pipeline-save">
            {t('common.save')}
          </Button>
        </Flex>
      </Form>
    </Drawer>
  );
}
