// The bell in the header: the caller's unread notices (SLA escalations and the like), polled every
// minute; opening one marks it read and follows its link.
import { useNavigate } from 'react-router';
import { Badge, Button, Empty, Flex, List, Popover, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import type { Notification } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useState } from 'react';

const key = ['notifications'] as const;
interface NoticePage {
  data: Notification[];
  nextCursor: string | null;
  unread: number;
}

/** Only links inside the app are followed (a notice never sends the user elsewhere). */
const internal = (link: string | null): link is string => !!link && link.startsWith('/') && !link.startsWith('//');

export function NotificationBell() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const notices = useQuery({
    queryKey: [...key, i18n.language],
    queryFn: ({ signal }) => api<NoticePage>('/notifications', { query: { 'filter[unread]': 'true', limit: 20 }, signal }),
    refetchInterval: 60_000,
    refetchIntervalInBackground: false,
  });
  const read = useMutation({
    mutationFn: (n: Notification) => api<Notification>(`/notifications/${n.id}/read`, { method: 'POST' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: key }),
  });
  const openNotice = (n: Notification) => {
    read.mutate(n);
    setOpen(false);
    if (internal(n.link)) void navigate(n.link);
  };
  const list = notices.data?.data ?? [];
  const unread = notices.data?.unread ?? 0;
  const content = (
    <div style={{ width: 340, maxHeight: 420, overflow: 'auto' }} data-testid="notifications-panel">
      {list.length ? (
        <List
          size="small"
          dataSource={list}
          renderItem={(n) => (
            <List.Item style={{ cursor: 'pointer', alignItems: 'flex-start' }} onClick={() => openNotice(n)} data-testid="notification-item">
              <Flex vertical gap={2} style={{ minWidth: 0, flex: 1 }}>
                <Typography.Text style={{ whiteSpace: 'normal' }}>{n.text}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {dayjs(n.createdAt).format('MM-DD HH:mm')}
                </Typography.Text>
              </Flex>
              <Button
                type="link"
                size="small"
                onClick={(e) => {
                  e.stopPropagation();
                  read.mutate(n);
                }}
              >
                {t('notifications.markRead')}
              </Button>
            </List.Item>
          )}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.none')} />
      )}
    </div>
  );
  return (
    <Popover open={open} onOpenChange={setOpen} trigger="click" placement="bottomRight" title={t('notifications.title')} content={content}>
      <Button type="text" aria-label={t('notifications.title')} data-testid="notifications-bell">
        <Badge count={unread} size="small" overflowCount={99}>
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Popover>
  );
}
