// Ticket attachments: photos of a broken part, a scanned invoice, a PDF. Stored under the data
// directory with random names (never the uploader's), limited in size, and accepted only when the
// file's first bytes say it is one of a few harmless types that agree with its extension — an
// HTML page or a program renamed to .png is refused. They are served as downloads
// (Content-Disposition: attachment) with nosniff and the sniffed type, so a browser never runs them.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, openSync, readSync, closeSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { TicketAttachment } from '@guanxi/contracts';
import type { Config } from '../config.js';
import type { Database, DbOrTx } from '../db/client.js';
import { ticketAttachments } from '../db/schema.js';
import { recordAudit } from '../platform/audit.js';
import type { Ctx } from '../platform/context.js';
import { AppError, invalid, msg, notFound } from '../platform/errors.js';
import { isoNN } from '../platform/versioned.js';
import { receiveUpload } from '../imports/upload.js';
import { findTicketRow } from './tickets.service.js';

export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

export function attachmentsDir(config: Pick<Config, 'dataDir'>): string {
  const dir = join(config.dataDir, 'attachments');
  mkdirSync(dir, { recursive: true });
  return dir;
}

interface Kind {
  type: string;
  extensions: readonly string[];
}

const kinds = {
  png: { type: 'image/png', extensions: ['png'] },
  jpeg: { type: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  gif: { type: 'image/gif', extensions: ['gif'] },
  webp: { type: 'image/webp', extensions: ['webp'] },
  pdf: { type: 'application/pdf', extensions: ['pdf'] },
  // Office files are zip archives; the extension names which one (served as a download either way)
  docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'] },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'] },
  zip: { type: 'application/zip', extensions: ['zip'] },
  text: { type: 'text/plain; charset=utf-8', extensions: ['txt', 'log', 'csv'] },
} satisfies Record<string, Kind>;

const startsWith = (head: Buffer, bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);

/** What the file's first bytes say it is, or null for anything not on the list (programs, scripts, HTML, SVG…). */
export function sniff(head: Buffer, extension: string): Kind | null {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return kinds.png;
  if (startsWith(head, [0xff, 0xd8, 0xff])) return kinds.jpeg;
  if (startsWith(head, [0x47, 0x49, 0x46, 0x38])) return kinds.gif;
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) return kinds.webp;
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return kinds.pdf;
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return extension === 'docx' ? kinds.docx : extension === 'xlsx' ? kinds.xlsx : kinds.zip;
  // Plain text: valid UTF-8, no NUL or other binary control bytes, and nothing a browser or a shell would run.
  const text = head.toString('utf8');
  if (text.includes('\uFFFD')) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f\u007f]/.test(text)) return null;
  const start = text.replace(/^\uFEFF/, '').trimStart().slice(0, 200).toLowerCase();
  if (start.startsWith('<') || start.startsWith('#!') || /<\s*(script|html|svg|iframe|body)/.test(text.toLowerCase())) return null;
  return kinds.text;
}

/** A file name fit to store and show: no control characters, quotes or path separators. */
export const safeFileName = (name: string) => name.normalize('NFC').replace(/[\u0000-\u001f\u007f"\\/]/g, '_').slice(0, 200);
export const extensionOf = (name: string) => (name.match(/\.([a-z0-9]{1,8})$/i)?.[1] ?? '').toLowerCase();

function headOf(path: string, n = 4096): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const read = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function toAttachment(r: typeof ticketAttachments.$inferSelect): TicketAttachment {
  return { id: r.id, ticketId: r.ticketId, fileName: r.fileName, contentType: r.contentType, sizeBytes: r.sizeBytes, sha256: r.sha256, createdAt: isoNN(r.createdAt), createdBy: r.createdBy };
}

export async function listAttachments(db: DbOrTx, ticketId: number): Promise<TicketAttachment[]> {
  const rows = await db.select().from(ticketAttachments).where(and(eq(ticketAttachments.ticketId, ticketId), isNull(ticketAttachments.deletedAt))).orderBy(asc(ticketAttachments.id));
  return rows.map(toAttachment);
}

export async function uploadAttachment(database: Database, ctx: Ctx, config: Pick<Config, 'dataDir'>, ticketId: number, req: FastifyRequest): Promise<TicketAttachment> {
  // visible first: nobody learns anything about a ticket they cannot see by uploading to it
  await findTicketRow(database.db, ctx.actor, ticketId);
  const dir = attachmentsDir(config);
  const upload = await receiveUpload(req, dir, ATTACHMENT_MAX_BYTES);
  try {
    if (upload.bytes === 0) throw invalid('file', 'the file is empty', 'too_small');
    const name = safeFileName(upload.name);
    const extension = extensionOf(name);
    const kind = sniff(headOf(upload.path), extension);
    if (!kind) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', msg('This kind of file cannot be attached: images, PDF, Office documents, zip and plain text only.', '不支持该类型的文件：仅可上传图片、PDF、Office 文档、zip 和纯文本。'), [
        { path: 'file', message: 'content is not an allowed type', code: 'type_not_allowed' },
      ]);
    }
    if (!kind.extensions.includes(extension)) {
      throw invalid('file', `the content is ${kind.type.split(';')[0]}, which does not match the name's .${extension || '(none)'}`, 'type_mismatch');
    }
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(upload.path)) hash.update(chunk as Buffer);
    const storageKey = `${ticketId}-${randomBytes(16).toString('hex')}`;
    renameSync(upload.path, join(dir, storageKey));
    try {
      return await database.db.transaction(async (tx) => {
        await findTicketRow(tx, ctx.actor, ticketId);
        const [row] = await tx
          .insert(ticketAttachments)
          .values({ ticketId, fileName: name, contentType: kind.type, sizeBytes: upload.bytes, sha256: hash.digest('hex'), storageKey, createdBy: ctx.actor.id })
          .returning();
        await recordAudit(tx, ctx, { entity: 'ticket', entityId: ticketId, action: 'attach', changes: { attachment: { old: null, new: { id: row!.id, fileName: name, sizeBytes: upload.bytes } } } });
        return toAttachment(row!);
      });
    } catch (e) {
      rmSync(join(dir, storageKey), { force: true });
      throw e;
    }
  } finally {
    rmSync(upload.path, { force: true });
  }
}

export async function openAttachment(database: Database, ctx: Ctx, config: Pick<Config, 'dataDir'>, ticketId: number, attachmentId: number) {
  await findTicketRow(database.db, ctx.actor, ticketId);
  const [row] = await database.db
    .select()
    .from(ticketAttachments)
    .where(and(eq(ticketAttachments.id, attachmentId), eq(ticketAttachments.ticketId, ticketId), isNull(ticketAttachments.deletedAt)));
  if (!row) throw notFound();
  return { attachment: toAttachment(row), path: join(attachmentsDir(config), row.storageKey) };
}

export async function deleteAttachment(database: Database, ctx: Ctx, ticketId: number, attachmentId: number): Promise<void> {
  await database.db.transaction(async (tx) => {
    await findTicketRow(tx, ctx.actor, ticketId);
    const [row] = await tx
      .update(ticketAttachments)
      .set({ deletedAt: new Date() })
      .where(and(eq(ticketAttachments.id, attachmentId), eq(ticketAttachments.ticketId, ticketId), isNull(ticketAttachments.deletedAt)))
      .returning();
    if (!row) throw notFound();
    await recordAudit(tx, ctx, { entity: 'ticket', entityId: ticketId, action: 'detach', changes: { attachment: { old: { id: row.id, fileName: row.fileName }, new: null } } });
  });
}

/** Content-Disposition with the original name, ASCII-safe and RFC 5987-encoded for Chinese names. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
