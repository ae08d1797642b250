// Outbound email of ticket replies: written in the reply's transaction, sent after it commits by
// the mail-outbox job (and right away by the request that queued it), retried with backoff.
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { ticketReplies } from '../tickets/tickets.table.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** queued: waiting for (another) attempt; sent; failed: given up; not_sent: never tried (no SMTP relay, no address). */
export const mailOutboxStatusValues = ['queued', 'sent', 'failed', 'not_sent'] as const;

export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    replyId: bigint('reply_id', { mode: 'number' }).notNull().references(() => ticketReplies.id),
    ticketId: bigint('ticket_id', { mode: 'number' }).notNull(),
    toAddress: text('to_address'),
    subject: text('subject').notNull(),
    /** With angle brackets, as in the header; also the reply's external_id, so the customer's answer threads back. */
    messageId: text('message_id').notNull(),
    inReplyTo: text('in_reply_to'),
    /** Space-separated message ids, oldest first. */
    references: text('references'),
    status: text('status', { enum: mailOutboxStatusValues }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: ts('next_attempt_at'),
    sentAt: ts('sent_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('mail_outbox_reply').on(t.replyId),
    index('mail_outbox_due_idx').on(t.nextAttemptAt).where(sql`status = 'queued'`),
  ],
);
