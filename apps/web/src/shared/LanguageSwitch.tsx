import { Button, Dropdown } from 'antd';
import { GlobalOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { locales } from '@guanxi/contracts';
import { currentLocale } from '../i18n';
import { useChangeLocale } from '../features/auth/useChangeLocale';

export function LanguageSwitch({ type = 'text' }: { type?: 'text' | 'default' }) {
  const { t, i18n } = useTranslation();
  const change = useChangeLocale();
  const selected = currentLocale();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [selected],
        items: locales.map((l) => ({ key: l, label: <span data-testid={`language-${l}`}>{t(`lang.${l}`)}</span> })),
        onClick: ({ key }) => {
          const locale = locales.find((l) => l === key);
          if (locale) void change(locale);
        },
      }}
    >
      <Button type={type} icon={<GlobalOutlined />} aria-label={t('lang.label')} data-testid="language-switch" lang={i18n.language}>
        {t(`lang.${selected}`)}
      </Button>
    </Dropdown>
  );
}
