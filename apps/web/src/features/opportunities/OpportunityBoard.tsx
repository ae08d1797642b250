// The deal board (商机看板): one column per stage with count, amount and weighted amount, the
// newest cards first and "load more" per column. Cards move by native HTML5 drag and drop; the
// move shows at once and is rolled back, with the server's reason, if the server refuses it.
// Moving to a lost stage first asks why.
import { useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { App, Badge, Button, Empty, Flex, Form, Input, Modal, Segmented, Select, Skeleton, Tag, Tooltip, Typography } from 'antd';
import { ClockCircleOutlined, PlusOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Board, BoardColumn, CurrencyTotals, OpportunitySummary, PipelineStage } from '@guanxi/contracts';
import { isApiError } from '../../api/client';
import { PageHeader } from '../../shared/PageHeader';
import { errorText } from '../../shared/errors';
import { currencyPrefix, formatDate, formatMoney, noAmounts } from '../../shared/format';
import { useCan } from '../auth/session';
import { pipelineLabel, stageLabel, usePipelines } from '../pipelines/pipelines.api';
import { DealFiltersBar } from './DealFiltersBar';
import { OpportunityDrawer, type DrawerTarget } from './OpportunityDrawer';
import { boardKey, loadColumn, moveOpportunity, opportunitiesKey, useBoard, type DealFilters } from './opportunities.api';

// Cent arithmetic on decimal strings for the optimistic totals; the server's numbers replace them.
const toCents = (s: string) => {
  const [i = '0', f = ''] = s.split('.');
  return BigInt(i) * 100n + BigInt((f + '00').slice(0, 2));
};
const fromCents = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
/** amount × probability %, rounded half up to the cent, as the server's round(…, 2) does for amounts ≥ 0 */
const weighted = (amount: string, probability: number) => fromCents((toCents(amount) * BigInt(probability) + 50n) / 100n);

/** A column's amounts with one card taken out (sign -1) or put in (sign 1), in the card's currency. */
function withCard(amounts: CurrencyTotals[], card: OpportunitySummary, sign: 1 | -1): CurrencyTotals[] {
  const entry = amounts.find((a) => a.currency === card.currency) ?? { currency: card.currency, count: 0, amount: '0.00', weightedAmount: '0.00' };
  const next = {
    currency: card.currency,
    count: entry.count + sign,
    amount: fromCents(toCents(entry.amount) + BigInt(sign) * toCents(card.amount)),
    weightedAmount: fromCents(toCents(entry.weightedAmount) + BigInt(sign) * toCents(card.weightedAmount)),
  };
  const others = amounts.filter((a) => a.currency !== card.currency);
  return next.count > 0 ? (amounts.includes(entry) ? amounts.map((a) => (a === entry ? next : a)) : [...others, next]) : others;
}

function moveInBoard(board: Board, card: OpportunitySummary, to: PipelineStage): Board {
  const probability = card.probabilityOverride ?? to.probability;
  const moved: OpportunitySummary = { ...card, stageId: to.id, stageKey: to.key, stageName: to.name, status: to.kind, probability, weightedAmount: weighted(card.amount, probability), daysInStage: 0, stale: false };
  const columns = board.columns.map((col): BoardColumn => {
    if (col.stage.id === card.stageId) {
      return { ...col, count: col.count - 1, amounts: withCard(col.amounts, card, -1), cards: col.cards.filter((c) => c.id !== card.id) };
    }
    if (col.stage.id === to.id) {
      return { ...col, count: col.count + 1, amounts: withCard(col.amounts, moved, 1), cards: [moved, ...col.cards] };
    }
    return col;
  });
  return { ...board, columns };
}

export default function OpportunityBoard() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const can = useCan();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const pipelines = usePipelines(true);
  const pipelineId = Number(params.get('pipelineId')) || pipelines.data?.find((p) => p.isDefault)?.id;
  const [filters, setFilters] = useState<DealFilters>({});
  const board = useBoard(pipelineId, filters);
  const key = boardKey(pipelineId, filters);
  const [drawer, setDrawer] = useState<DrawerTarget | null>(null);
  const [lost, setLost] = useState<{ card: OpportunitySummary; stage: PipelineStage } | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [loadingMore, setLoadingMore] = useState<number | null>(null);
  const dragged = useRef<OpportunitySummary | null>(null);
  const [reasonForm] = Form.useForm<{ reason: string }>();
  const writable = can('sales.write');

  const move = useMutation({
    mutationFn: (v: { card: OpportunitySummary; stage: PipelineStage; reason?: string }) =>
      moveOpportunity(v.card.id, { stageId: v.stage.id, version: v.card.version, ...(v.reason ? { reason: v.reason } : {}) }),
    onMutate: async (v) => {
      await client.cancelQueries({ queryKey: key });
      const before = client.getQueryData<Board>(key);
      if (before) client.setQueryData<Board>(key, moveInBoard(before, v.card, v.stage));
      return { before };
    },
    onError: (e, _v, context) => {
      if (context?.before) client.setQueryData<Board>(key, context.before);
      const detail = isApiError(e) && e.code === 'VALIDATION_FAILED' ? e.details[0]?.message : undefined;
      void message.error(detail ? `${errorText(t, e)} ${detail}` : errorText(t, e));
    },
    onSuccess: (saved, v) => {
      // The moved card carries the new version at once, so dragging it again before the board has
      // reloaded is not refused as a conflicting edit.
      client.setQueryData<Board>(key, (b) => (b ? { ...b, columns: b.columns.map((c) => ({ ...c, cards: c.cards.map((x) => (x.id === saved.id ? { ...x, version: saved.version } : x)) })) } : b));
      void message.success(t('opportunities.moved', { stage: stageLabel(t, v.stage) }));
    },
    onSettled: () => void client.invalidateQueries({ queryKey: opportunitiesKey }),
  });

  const drop = (stage: PipelineStage) => {
    const card = dragged.current;
    dragged.current = null;
    setOver(null);
    if (!card || card.stageId === stage.id || !writable) return;
    if (stage.kind === 'lost') {
      reasonForm.resetFields();
      setLost({ card, stage });
      return;
    }
    move.mutate({ card, stage });
  };

  const loadMore = async (col: BoardColumn) => {
    if (!col.nextCursor) return;
    setLoadingMore(col.stage.id);
    try {
      const page = await loadColumn(col.stage.id, filters, col.nextCursor);
      client.setQueryData<Board>(key, (b) =>
        b ? { ...b, columns: b.columns.map((c) => (c.stage.id === col.stage.id ? { ...c, cards: [...c.cards, ...page.data.filter((n) => !c.cards.some((o) => o.id === n.id))], nextCursor: page.nextCursor } : c)) } : b,
      );
    } catch (e) {
      void message.error(errorText(t, e));
    } finally {
      setLoadingMore(null);
    }
  };

  const staleDays = board.data?.pipeline.staleAfterDays ?? 14;
  const columns = board.data?.columns ?? [];
  const pipelineOptions = useMemo(() => (pipelines.data ?? []).map((p) => ({ value: p.id, label: pipelineLabel(t, p) })), [pipelines.data, t]);

  return (
    <>
      <PageHeader
        title={t('opportunities.boardTitle')}
        description={t('opportunities.boardDescription')}
        extra={
          <Flex gap={8}>
            <Segmented
              value="board"
              onChange={(v) => v === 'list' && void navigate('/opportunities/list')}
              options={[
                { value: 'board', label: t('opportunities.viewBoard') },
                { value: 'list', label: t('opportunities.viewList') },
              ]}
            />
            {writable ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawer({ mode: 'create', pipelineId })} data-testid="opportunity-new">
                {t('opportunities.new')}
              </Button>
            ) : null}
          </Flex>
        }
      />
      <Flex gap={12} wrap style={{ marginBottom: 16 }}>
        <Select
          value={pipelineId}
          options={pipelineOptions}
          onChange={(id: number) => setParams({ pipelineId: String(id) }, { replace: true })}
          style={{ width: 200 }}
          placeholder={t('opportunities.pipeline')}
          data-testid="board-pipeline"
        />
        <DealFiltersBar value={filters} onChange={setFilters} />
      </Flex>
      {board.isPending ? (
        <Skeleton active />
      ) : !board.data ? (
        <Empty description={t('opportunities.noPipeline')} />
      ) : (
        <div style={{ display: 'flex', gap: 12, overflowX: 'auto', paddingBottom: 12, alignItems: 'flex-start' }} data-testid="board">
          {columns.map((col) => (
            <section
              key={col.stage.id}
              data-testid={`board-column-${col.stage.key ?? col.stage.id}`}
              data-stage-id={col.stage.id}
              onDragOver={(e) => {
                if (!dragged.current) return;
                e.preventDefault();
                e.dataTransfer.dropEffect = 'move';
                if (over !== col.stage.id) setOver(col.stage.id);
              }}
              onDragLeave={() => setOver((o) => (o === col.stage.id ? null : o))}
              onDrop={(e) => {
                e.preventDefault();
                drop(col.stage);
              }}
              style={{
                flex: '0 0 272px',
                background: over === col.stage.id ? '#e0eaff' : '#f2f4f7',
                border: over === col.stage.id ? '1px dashed #1d4ed8' : '1px solid transparent',
                borderRadius: 10,
                padding: 10,
                minHeight: 320,
              }}
            >
              <ColumnHeader col={col} />
              <Flex vertical gap={8}>
                {col.cards.map((card) => (
                  <DealCard
                    key={card.id}
                    card={card}
                    staleDays={staleDays}
                    draggable={writable}
                    onDragStart={(e) => {
                      dragged.current = card;
                      e.dataTransfer.setData('text/plain', String(card.id));
                      e.dataTransfer.effectAllowed = 'move';
                    }}
                    onDragEnd={() => setOver(null)}
                    onOpen={() => setDrawer({ mode: 'edit', id: card.id })}
                  />
                ))}
                {col.cards.length === 0 ? <Typography.Text type="secondary" style={{ textAlign: 'center', padding: 16 }}>{t('opportunities.emptyColumn')}</Typography.Text> : null}
                {col.nextCursor ? (
                  <Button size="small" type="dashed" loading={loadingMore === col.stage.id} onClick={() => void loadMore(col)} data-testid={`board-more-${col.stage.key ?? col.stage.id}`}>
                    {t('opportunities.loadMore')}
                  </Button>
                ) : null}
              </Flex>
            </section>
          ))}
        </div>
      )}
      <Modal
        open={lost !== null}
        title={t('opportunities.lostTitle')}
        onCancel={() => setLost(null)}
        okText={t('opportunities.lostSubmit')}
        okButtonProps={{ danger: true, 'data-testid': 'lost-reason-submit' }}
        onOk={() =>
          reasonForm.validateFields().then((v) => {
            if (lost) move.mutate({ ...lost, reason: v.reason.trim() });
            setLost(null);
          })
        }
        destroyOnHidden
      >
        {lost ? <Typography.Paragraph strong>{lost.card.name}</Typography.Paragraph> : null}
        <Form form={reasonForm} layout="vertical">
          <Form.Item name="reason" label={t('opportunities.lostReason')} rules={[{ required: true, whitespace: true, message: t('opportunities.lostReasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={1000} autoFocus data-testid="lost-reason" />
          </Form.Item>
        </Form>
      </Modal>
      <OpportunityDrawer target={drawer} onClose={() => setDrawer(null)} />
    </>
  );
}

function ColumnHeader({ col }: { col: BoardColumn }) {
  const { t } = useTranslation();
  const color = col.stage.kind === 'won' ? '#12b76a' : col.stage.kind === 'lost' ? '#f04438' : '#1d4ed8';
  return (
    <div style={{ borderTop: `3px solid ${color}`, background: '#fff', borderRadius: 8, padding: '8px 10px', marginBottom: 10 }} data-testid="board-column-header">
      <Flex justify="space-between" align="baseline">
        <Typography.Text strong>{stageLabel(t, col.stage)}</Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {col.stage.probability}% · <span data-testid="column-count">{t('opportunities.count', { count: col.count })}</span>
        </Typography.Text>
      </Flex>
      {col.closedFrom !== undefined || col.closedTo !== undefined ? (
        // won and lost columns count only the deals closed in this period (the server's choice)
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }} data-testid="column-period">
          {col.closedFrom && col.closedTo
            ? t('opportunities.closedPeriod', { from: formatDate(col.closedFrom), to: formatDate(col.closedTo) })
            : col.closedFrom
              ? t('opportunities.closedSince', { from: formatDate(col.closedFrom) })
              : col.closedTo
                ? t('opportunities.closedUntil', { to: formatDate(col.closedTo) })
                : null}
        </Typography.Text>
      ) : null}
      {/* one line per currency: amounts in different currencies are never added together */}
      {(col.amounts.length ? col.amounts : noAmounts).map((a) => (
        <Flex key={a.currency} justify="space-between" wrap style={{ marginTop: 4, whiteSpace: 'nowrap', columnGap: 8 }} data-currency={a.currency}>
          <Tooltip title={col.amounts.length > 1 ? t('opportunities.currencyDeals', { count: a.count, currency: a.currency }) : undefined}>
            <Typography.Text data-testid="column-amount">{formatMoney(a.amount, currencyPrefix(a.currency))}</Typography.Text>
          </Tooltip>
          <Tooltip title={t('opportunities.weighted')}>
            <Typography.Text type="secondary" style={{ marginLeft: 'auto' }} data-testid="column-weighted">
              {t('opportunities.weighted')} {formatMoney(a.weightedAmount, currencyPrefix(a.currency))}
            </Typography.Text>
          </Tooltip>
        </Flex>
      ))}
    </div>
  );
}

function DealCard({
  card,
  staleDays,
  draggable,
  onDragStart,
  onDragEnd,
  onOpen,
}: {
  card: OpportunitySummary;
  staleDays: number;
  draggable: boolean;
  onDragStart: (e: React.DragEvent) => void;
  onDragEnd: () => void;
  onOpen: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div
      draggable={draggable}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      data-testid={`board-card-${card.id}`}
      style={{ background: '#fff', borderRadius: 8, padding: '10px 12px', boxShadow: '0 1px 2px rgba(16,24,40,.08)', cursor: draggable ? 'grab' : 'default', borderLeft: card.stale ? '3px solid #f79009' : '3px solid transparent' }}
    >
      <Flex justify="space-between" gap={6} align="start">
        <Typography.Link strong onClick={onOpen} style={{ wordBreak: 'break-word' }} data-testid={`card-open-${card.id}`}>
          {card.name}
        </Typography.Link>
        {card.stale ? (
          <Tooltip title={t('opportunities.staleHint', { days: staleDays })}>
            <Tag color="orange" style={{ marginInlineEnd: 0 }} data-testid="stale-badge">
              {t('opportunities.stale')}
            </Tag>
          </Tooltip>
        ) : null}
      </Flex>
      <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }} ellipsis>
        {card.customerName ?? ''}
      </Typography.Text>
      <Flex justify="space-between" align="baseline" style={{ marginTop: 6 }}>
        <Typography.Text strong>{formatMoney(card.amount, currencyPrefix(card.currency))}</Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {card.probability}%
        </Typography.Text>
      </Flex>
      <Flex justify="space-between" gap={6} style={{ marginTop: 4, fontSize: 12 }} wrap>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          <UserOutlined /> {card.ownerName ?? ''}
        </Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {card.expectedCloseDate ? formatDate(card.expectedCloseDate) : ''}
        </Typography.Text>
      </Flex>
      <Badge color={card.stale ? 'orange' : 'blue'} text={<Typography.Text type="secondary" style={{ fontSize: 12 }}><ClockCircleOutlined /> {t('opportunities.daysInStage', { count: card.daysInStage })}</Typography.Text>} />
    </div>
  );
}
