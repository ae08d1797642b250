import { App, Form, Input, Modal, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { User } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';

export function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const onError = useMutationErrors();
  const [form] = Form.useForm<{ password: string }>();
  const reset = useMutation({
    mutationFn: (v: { password: string }) => api<void>(`/users/${user?.id ?? 0}/reset-password`, { method: 'POST', body: { password: v.password } }),
    onSuccess: () => {
      void message.success(t('users.resetDone'));
      onClose();
    },
    onError: (e) => onError(e, { form }),
  });
  return (
    <Modal
      open={user !== null}
      title={t('users.resetPassword')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('users.resetPassword')}
      cancelText={t('common.cancel')}
      confirmLoading={reset.isPending}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('users.resetPasswordText', { name: user?.name ?? '' })}</Typography.Paragraph>
      <Form form={form} name="resetPassword" layout="vertical" requiredMark={false} onFinish={(v) => reset.mutate(v)} autoComplete="off">
        <Form.Item
          name="password"
          label={t('users.newPassword')}
          rules={[
            { required: true, message: t('validation.required', { field: t('users.newPassword') }) },
            { min: 10, message: t('validation.minLength', { min: 10 }) },
            { max: 200, message: t('validation.maxLength', { max: 200 }) },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
