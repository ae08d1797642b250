// Shown instead of everything else while the server requires a new password.
import { Button, Card, Typography } from 'antd';
import { SafetyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { LanguageSwitch } from '../../shared/LanguageSwitch';
import { BrandMark } from '../../shared/BrandMark';
import { useSessionClient } from './session';
import { useLogout } from './useLogout';
import { ChangePasswordForm } from './ChangePasswordForm';

export default function ForcedPasswordPage() {
  const { t } = useTranslation();
  const session = useSessionClient();
  const navigate = useNavigate();
  const logout = useLogout();
  return (
    <div className="gx-centered-page">
      <div className="gx-login-topbar">
        <LanguageSwitch />
      </div>
      <div style={{ width: '100%', maxWidth: 440 }}>
        <div style={{ marginBottom: 24, display: 'flex', justifyContent: 'center' }}>
          <BrandMark />
        </div>
        <Card>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            <SafetyOutlined style={{ color: 'var(--gx-primary)', marginRight: 8 }} />
            {t('password.forcedTitle')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('password.forcedText')}</Typography.Paragraph>
          <ChangePasswordForm
            submitBlock
            onDone={() => {
              void session.refresh().then(() => navigate('/', { replace: true }));
            }}
          />
          <Button type="link" block style={{ marginTop: 8 }} onClick={() => void logout()}>
            {t('password.logoutInstead')}
          </Button>
        </Card>
      </div>
    </div>
  );
}
