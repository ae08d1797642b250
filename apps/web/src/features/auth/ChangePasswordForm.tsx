// Current password, new password twice. Used by the forced screen and by the user-menu dialog.
import { Button, Form, Input, App } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { applyFieldErrors, errorText } from '../../shared/errors';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export function ChangePasswordForm({ onDone, submitBlock = false }: { onDone: () => void; submitBlock?: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const mutation = useMutation({
    mutationFn: (v: Values) => api<void>('/auth/change-password', { method: 'POST', body: { currentPassword: v.currentPassword, newPassword: v.newPassword } }),
    onSuccess: () => {
      void message.success(t('password.changed'));
      form.resetFields();
      onDone();
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e, t)) void message.error(errorText(t, e));
    },
  });

  return (
    <Form form={form} name="changePassword" layout="vertical" requiredMark={false} onFinish={(v) => mutation.mutate(v)} autoComplete="off">
      <Form.Item name="currentPassword" label={t('password.current')} rules={[{ required: true, message: t('validation.required', { field: t('password.current') }) }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('password.new')}
        extra={t('password.newHelp')}
        rules={[
          { required: true, message: t('validation.required', { field: t('password.new') }) },
          { min: 10, message: t('validation.minLength', { min: 10 }) },
          { max: 200, message: t('validation.maxLength', { max: 200 }) },
          ({ getFieldValue }) => ({
            validator: (_, value: string | undefined) =>
              value && value === getFieldValue('currentPassword') ? Promise.reject(new Error(t('validation.samePassword'))) : Promise.resolve(),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('validation.required', { field: t('password.confirm') }) },
          ({ getFieldValue }) => ({
            validator: (_, value: string | undefined) =>
              !value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('validation.passwordMismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={mutation.isPending} block={submitBlock}>
        {t('password.submit')}
      </Button>
    </Form>
  );
}
