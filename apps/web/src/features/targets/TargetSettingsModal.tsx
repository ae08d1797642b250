// Company-wide target settings (sales.manage): the basis new targets start with, and how many
// points below the elapsed share of the period a target may fall before it is flagged.
import { useEffect } from 'react';
import { App, Form, InputNumber, Modal, Radio } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { targetBases, type TargetSettings } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { targetsKey, useTargetSettings } from './targets.api';

interface Values {
  defaultBasis: TargetSettings['defaultBasis'];
  tolerancePoints: number;
}

export function TargetSettingsModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const settings = useTargetSettings(open);
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    if (open && settings.data) form.setFieldsValue({ defaultBasis: settings.data.defaultBasis, tolerancePoints: settings.data.tolerancePoints });
  }, [open, settings.data, form]);

  const save = useMutation({
    mutationFn: (v: Values) => api<TargetSettings>('/target-settings', { method: 'PUT', body: { ...v, version: settings.data?.version ?? 1 } }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: targetsKey });
      void message.success(t('common.saved'));
      onClose();
    },
    onError: (e) => onError(e, { form, onReload: () => void client.invalidateQueries({ queryKey: [...targetsKey, 'settings'] }) }),
  });

  return (
    <Modal
      open={open}
      title={t('targets.settingsTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      okButtonProps={{ disabled: !settings.data, ...({ 'data-testid': 'target-settings-save' } as Record<string, string>) }}
    >
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} data-testid="target-settings-form">
        <Form.Item name="defaultBasis" label={t('targets.defaultBasis')} extra={t('targets.basisHint')}>
          <Radio.Group options={targetBases.map((b) => ({ value: b, label: t(`targets.basisKind.${b}`) }))} />
        </Form.Item>
        <Form.Item name="tolerancePoints" label={t('targets.tolerance')} extra={t('targets.toleranceHint')} rules={[{ required: true, type: 'number', min: 0, max: 100 }]}>
          <InputNumber<number> min={0} max={100} precision={1} suffix={t('targets.points')} style={{ width: 180 }} data-testid="target-tolerance" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
