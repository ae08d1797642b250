import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

export function ForbiddenPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title={t('errors.forbiddenTitle')}
      subTitle={t('errors.forbiddenText')}
      extra={<Button type="primary" onClick={() => navigate('/')}>{t('errors.backHome')}</Button>}
      data-testid="forbidden"
    />
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('errors.notFoundTitle')}
      subTitle={t('errors.notFoundText')}
      extra={<Button type="primary" onClick={() => navigate('/')}>{t('errors.backHome')}</Button>}
    />
  );
}

export function FullPageSpin() {
  return (
    <div className="gx-fullpage-spin" role="status">
      <div className="gx-spinner" />
    </div>
  );
}
