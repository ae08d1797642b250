// Own name and interface language; the language applies as soon as it is saved.
import { useEffect } from 'react';
import { App, Form, Input, Modal, Select } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { locales, type Locale, type LoginResponse } from '@guanxi/contracts';
import { api } from '../../api/client';
import { setLocale } from '../../i18n';
import { applyFieldErrors, errorText } from '../../shared/errors';
import { roleLabel } from '../../shared/role-label';
import { useCurrentUser, useSessionClient } from './session';

interface Values {
  name: string;
  locale: Locale;
}

export function ProfileModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const user = useCurrentUser();
  const session = useSessionClient();
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    if (open) form.setFieldsValue({ name: user.name, locale: user.locale ?? (i18n.language === 'en' ? 'en' : 'zh-CN') });
  }, [open, user, form, i18n.language]);

  const mutation = useMutation({
    mutationFn: (v: Values) => api<LoginResponse>('/auth/me', { method: 'PATCH', body: { name: v.name, locale: v.locale } }),
    onSuccess: async (res) => {
      if (res.user.locale) await setLocale(res.user.locale);
      session.store(res);
      void message.success(t('profile.saved'));
      onClose();
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e, t)) void message.error(errorText(t, e));
    },
  });

  return (
    <Modal
      open={open}
      title={t('profile.title')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={mutation.isPending}
      forceRender
    >
      <Form form={form} name="profile" layout="vertical" requiredMark={false} onFinish={(v) => mutation.mutate(v)}>
        <Form.Item label={t('profile.email')}>
          <Input value={user.email} disabled />
        </Form.Item>
        <Form.Item label={t('profile.role')}>
          <Input value={roleLabel(t, { key: user.roleKey, name: user.roleName })} disabled />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('profile.name')}
          rules={[
            { required: true, whitespace: true, message: t('validation.required', { field: t('profile.name') }) },
            { max: 100, message: t('validation.maxLength', { max: 100 }) },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="locale" label={t('profile.language')}>
          <Select options={locales.map((l) => ({ value: l, label: t(`lang.${l}`) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
