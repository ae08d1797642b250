// The Guanxi logo: two linked rings — two parties and the relationship between them.
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

export function LogoIcon({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="14" fill="#1d4ed8" />
      <circle cx="25" cy="32" r="11" fill="none" stroke="#ffffff" strokeWidth="5" />
      <circle cx="39" cy="32" r="11" fill="none" stroke="#93c5fd" strokeWidth="5" />
    </svg>
  );
}

export function BrandMark({ collapsed = false, dark = false, compact = false }: { collapsed?: boolean; dark?: boolean; compact?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className={`gx-brand${dark ? ' gx-brand-dark' : ''}${compact ? ' gx-brand-compact' : ''}`}>
      <LogoIcon size={compact ? 28 : 32} />
      {collapsed ? null : (
        <Typography.Text strong className="gx-brand-name">
          {t('app.name')}
        </Typography.Text>
      )}
    </div>
  );
}
