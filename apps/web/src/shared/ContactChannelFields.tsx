// Mobile, landline, email and WeChat: the contact channels that customers and contacts share,
// with the same client-side checks as the server's (the server stays the judge).
import { Col, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';

const mobilePattern = /^(\+?86)?1[3-9]\d{9}$|^\+[1-9]\d{6,14}$/;
const phonePattern = /^\+?[0-9][0-9 ()-]{4,30}$/;
const half = { xs: 24, md: 12 } as const;

export function ContactChannelFields({ testIdPrefix }: { testIdPrefix: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Col {...half}>
        <Form.Item
          name="mobile"
          label={t('customerField.mobile')}
          rules={[{ validator: (_r, v: string | null | undefined) => (!v || mobilePattern.test(v.replace(/[\s-]/g, '')) ? Promise.resolve() : Promise.reject(new Error(t('validation.mobile')))) }]}
        >
          <Input inputMode="tel" data-testid={`${testIdPrefix}-mobile`} />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="phone" label={t('customerField.phone')} rules={[{ pattern: phonePattern, message: t('validation.phone') }]}>
          <Input inputMode="tel" placeholder="010-12345678" />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="email" label={t('customerField.email')} rules={[{ type: 'email', message: t('validation.email') }]}>
          <Input inputMode="email" />
        </Form.Item>
      </Col>
      <Col {...half}>
        <Form.Item name="wechat" label={t('customerField.wechat')}>
          <Input maxLength={100} />
        </Form.Item>
      </Col>
    </>
  );
}
