// Create or edit a product (产品) of the catalogue: SKU, name, category, unit, list price, cost
// and whether it can still be sold. Prices are typed and sent as decimal strings.
import { useEffect, useState } from 'react';
import { App, Button, Col, Drawer, Flex, Form, Grid, Input, Row, Switch } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Product } from '@guanxi/contracts';
import { api } from '../../api/client';
import { useMutationErrors } from '../../shared/useMutationErrors';
import { productsKey } from './products.api';

interface Values {
  sku: string;
  name: string;
  category?: string | null;
  unit?: string | null;
  listPrice: string;
  cost?: string | null;
  active: boolean;
}

/** The same rule as `money` in @guanxi/contracts. */
export const moneyPattern = /^\d{1,12}(\.\d{1,2})?$/;
const blank = (s: string | null | undefined) => (s?.trim() ? s.trim() : null);

export function ProductForm({ open, product, onClose }: { open: boolean; product: Product | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const onError = useMutationErrors();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<Values>();
  const [version, setVersion] = useState<number | null>(null);

  const fill = (p: Product) => {
    form.setFieldsValue({ sku: p.sku, name: p.name, category: p.category ?? '', unit: p.unit ?? '', listPrice: p.listPrice, cost: p.cost ?? '', active: p.active });
    setVersion(p.version);
  };
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (product) fill(product);
    else {
      form.setFieldsValue({ active: true });
      setVersion(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, product, form]);

  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = { sku: v.sku.trim(), name: v.name.trim(), category: blank(v.category), unit: blank(v.unit), listPrice: v.listPrice.trim(), cost: blank(v.cost), active: v.active };
      return product ? api<Product>(`/products/${product.id}`, { method: 'PATCH', body: { ...body, version } }) : api<Product>('/products', { method: 'POST', body });
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: productsKey });
      void message.success(t(product ? 'products.updatedToast' : 'products.createdToast', { name: saved.name }));
      onClose();
    },
    onError: (e) => onError(e, { form, onReload: (current) => (current && typeof current === 'object' && 'sku' in current ? fill(current as Product) : undefined) }),
  });

  const money = [{ pattern: moneyPattern, message: t('orders.moneyFormat') }];
  const half = { xs: 24, md: 12 } as const;
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={product ? t('products.edit') : t('products.create')}
      size={screens.md ? 560 : '100%'}
      destroyOnHidden
      footer={
        <Flex justify="flex-end" gap={8}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="product-save">
            {product ? t('common.save') : t('common.create')}
          </Button>
        </Flex>
      }
    >
      <Form form={form} name="product" layout="vertical" requiredMark="optional" onFinish={(v) => save.mutate(v)} autoComplete="off">
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="sku" label={t('products.sku')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('products.sku') }) }, { max: 64, message: t('validation.maxLength', { max: 64 }) }]}>
              <Input data-testid="product-sku" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="name" label={t('products.name')} rules={[{ required: true, whitespace: true, message: t('validation.required', { field: t('products.name') }) }, { max: 200, message: t('validation.maxLength', { max: 200 }) }]}>
              <Input data-testid="product-name" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="category" label={t('products.category')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="unit" label={t('products.unit')}>
              <Input maxLength={20} placeholder={t('products.unitPlaceholder')} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="listPrice" label={t('products.listPrice')} rules={[{ required: true, message: t('validation.required', { field: t('products.listPrice') }) }, ...money]}>
              <Input prefix="¥" inputMode="decimal" data-testid="product-list-price" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="cost" label={t('products.cost')} rules={money} extra={t('products.costHelp')}>
              <Input prefix="¥" inputMode="decimal" data-testid="product-cost" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="active" label={t('products.activeLabel')} valuePropName="checked" extra={t('products.activeHelp')}>
              <Switch />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}
