import { Button, Flex, Select, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

interface Props {
  total: number;
  /** The server estimated the total (very large lists). */
  totalApproximate?: boolean;
  page: number;
  pageSize: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  onPageSizeChange?: (size: number) => void;
}

export function CursorPager(p: Props) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(p.total / p.pageSize));
  return (
    <Flex justify="space-between" align="center" gap={12} wrap style={{ marginTop: 16 }}>
      <Typography.Text type="secondary">
        {p.totalApproximate ? t('common.totalApproximate', { count: p.total }) : t('common.total', { count: p.total })} · {t('common.page', { page: `${p.page} / ${p.totalApproximate ? `~${pages}` : pages}` })}
      </Typography.Text>
      <Flex gap={8} align="center">
        {p.onPageSizeChange ? (
          <Select
            size="small"
            value={p.pageSize}
            onChange={p.onPageSizeChange}
            style={{ width: 110 }}
            options={[20, 50, 100].map((size) => ({ value: size, label: t('common.pageSize', { size }) }))}
          />
        ) : null}
        <Button size="small" icon={<LeftOutlined />} disabled={!p.hasPrevious} onClick={p.onPrevious}>
          {t('common.previous')}
        </Button>
        <Button size="small" disabled={!p.hasNext} onClick={p.onNext}>
          {t('common.next')} <RightOutlined />
        </Button>
      </Flex>
    </Flex>
  );
}
