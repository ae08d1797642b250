// Moving a deal to another active pipeline (e.g. 新客户销售 → 续约/增购) from its drawer: choose the
// pipeline, then the stage there, and a reason when that stage is lost. One move request carries
// both, so the deal is never in a pipeline without one of its stages.
import { useState } from 'react';
import { App, Button, Form, Input, Modal, Select, Typography } from 'antd';
import { SwapOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Opportunity, Pipeline } from '@guanxi/contracts';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { pipelineLabel, stageLabel, stageLabelOf, usePipelines } from '../pipelines/pipelines.api';
import { moveOpportunity, useInvalidateDeals } from './opportunities.api';

interface Values {
  pipelineId?: number;
  stageId?: number;
  reason?: string;
}

/** The button, shown when there is another active pipeline to move to; the dialog mounts only while open. */
export function MovePipelineButton({ deal }: { deal: Opportunity }) {
  const { t } = useTranslation();
  const pipelines = usePipelines(true);
  const [open, setOpen] = useState(false);
  const others = (pipelines.data ?? []).filter((p) => p.id !== deal.pipelineId);
  if (!others.length) return null;
  return (
    <>
      <Button size="small" icon={<SwapOutlined />} onClick={() => setOpen(true)} data-testid="opportunity-move-pipeline">
        {t('opportunities.movePipeline.button')}
      </Button>
      {open ? <MovePipelineModal deal={deal} pipelines={others} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

const firstOpen = (p: Pipeline | undefined) => p?.stages.find((s) => s.kind === 'open')?.id;

function MovePipelineModal({ deal, pipelines, onClose }: { deal: Opportunity; pipelines: Pipeline[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useMutationErrors();
  const invalidate = useInvalidateDeals();
  const [form] = Form.useForm<Values>();
  const pipelineId = Form.useWatch('pipelineId', form);
  const stageId = Form.useWatch('stageId', form);
  const target = pipelines.find((p) => p.id === pipelineId);
  const lost = target?.stages.find((s) => s.id === stageId)?.kind === 'lost';

  const move = useMutation({
    mutationFn: (v: Values) =>
      moveOpportunity(deal.id, { pipelineId: v.pipelineId!, stageId: v.stageId!, version: deal.version, ...(lost && v.reason?.trim() ? { reason: v.reason.trim() } : {}) }),
    onSuccess: (saved) => {
      void message.success(t('opportunities.movePipeline.done', { pipeline: target ? pipelineLabel(t, target) : '', stage: stageLabelOf(t, saved.stageKey, saved.stageName) }));
      onClose();
      // the board, lists, forecast and this deal all sit under the deals key
      void invalidate();
    },
    onError: (e) =>
      onError(e, {
        form,
        onReload: () => {
          onClose();
          void invalidate();
        },
      }),
  });

  return (
    <Modal
      open
      title={t('opportunities.movePipeline.title')}
      onCancel={onClose}
      okText={t('opportunities.movePipeline.submit')}
      okButtonProps={{ danger: lost, loading: move.isPending, 'data-testid': 'move-pipeline-submit' }}
      onOk={() => form.submit()}
    >
      <Typography.Paragraph type="secondary">{t('opportunities.movePipeline.help')}</Typography.Paragraph>
      <Form<Values> form={form} layout="vertical" onFinish={(v) => move.mutate(v)} data-testid="move-pipeline-form">
        <Form.Item name="pipelineId" label={t('opportunities.movePipeline.pipeline')} rules={[{ required: true, message: t('opportunities.movePipeline.pipelineRequired') }]}>
          <Select
            autoFocus
            options={pipelines.map((p) => ({ value: p.id, label: pipelineLabel(t, p) }))}
            onChange={(id: number) => form.setFieldsValue({ stageId: firstOpen(pipelines.find((p) => p.id === id)), reason: undefined })}
            data-testid="move-pipeline-pipeline"
          />
        </Form.Item>
        <Form.Item name="stageId" label={t('opportunities.movePipeline.stage')} rules={[{ required: true, message: t('opportunities.movePipeline.stageRequired') }]}>
          <Select
            disabled={!target}
            options={(target?.stages ?? []).map((s) => ({ value: s.id, label: `${stageLabel(t, s)} · ${s.probability}%` }))}
            data-testid="move-pipeline-stage"
          />
        </Form.Item>
        {lost ? (
          <Form.Item name="reason" label={t('opportunities.lostReason')} rules={[{ required: true, whitespace: true, message: t('opportunities.lostReasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={1000} data-testid="move-pipeline-reason" />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}
