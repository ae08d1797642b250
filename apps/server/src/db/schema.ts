// The whole database schema, for drizzle-kit and the typed query builder: the platform tables
// and each feature's own `*.table.ts`.
export * from './schema-platform.js';
export * from '../customers/customers.table.js';
export * from '../contacts/contacts.table.js';
export * from '../follow-ups/follow-ups.table.js';
export * from '../tasks/tasks.table.js';
export * from '../targets/targets.table.js';
export * from '../saved-views/saved-views.table.js';
export * from '../pool/pool.table.js';
export * from '../products/products.table.js';
export * from '../orders/orders.table.js';
export * from '../pipelines/pipelines.table.js';
export * from '../opportunities/opportunities.table.js';
export * from '../leads/leads.table.js';
export * from '../receivables/receivables.table.js';
export * from '../imports/imports.table.js';
export * from '../sla/sla.table.js';
export * from '../tickets/tickets.table.js';
export * from '../return-visits/return-visits.table.js';
export * from '../notifications/notifications.table.js';
export * from '../duplicates/duplicates.table.js';
export * from '../mail/mail.table.js';
export * from '../analytics/analytics.table.js';
export * from '../analytics/dashboard-rollups.table.js';
export * from '../service-reports/service-reports.table.js';
