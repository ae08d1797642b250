import { Button, Flex, Select, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CursorList } from './useCursorList';

interface Props {
  /** The list the pager moves through (useCursorList). */
  list: Pick<CursorList<unknown>, 'total' | 'totalApproximate' | 'page' | 'pageSize' | 'hasPrevious' | 'hasNext' | 'previous' | 'next'>;
  /** Instead of the server's total (a list whose endpoint does not count). */
  total?: number;
  onPageSizeChange?: (size: number) => void;
}

export function CursorPager({ list, total = list.total, onPageSizeChange }: Props) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / list.pageSize));
  return (
    <Flex justify="space-between" align="center" gap={12} wrap style={{ marginTop: 16 }}>
      <Typography.Text type="secondary">
        {list.totalApproximate ? t('common.totalApproximate', { count: total }) : t('common.total', { count: total })} · {t('common.page', { page: `${list.page} / ${list.totalApproximate ? `~${pages}` : pages}` })}
      </Typography.Text>
      <Flex gap={8} align="center">
        {onPageSizeChange ? (
          <Select
            size="small"
            value={list.pageSize}
            onChange={onPageSizeChange}
            style={{ width: 110 }}
            options={[20, 50, 100].map((size) => ({ value: size, label: t('common.pageSize', { size }) }))}
          />
        ) : null}
        <Button size="small" icon={<LeftOutlined />} disabled={!list.hasPrevious} onClick={list.previous}>
          {t('common.previous')}
        </Button>
        <Button size="small" disabled={!list.hasNext} onClick={list.next}>
          {t('common.next')} <RightOutlined />
        </Button>
      </Flex>
    </Flex>
  );
}
