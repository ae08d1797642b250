// Receiving one uploaded file (multipart/form-data) straight to disk, with the form's other
// fields; the file never sits in memory, and one over the size limit is refused with 413.
import { createWriteStream, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { AppError, invalid, msg } from '../platform/errors.js';

export interface Upload {
  path: string;
  name: string;
  bytes: number;
  fields: Record<string, string>;
}

export async function receiveUpload(req: FastifyRequest, dir: string, maxBytes: number): Promise<Upload> {
  if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', msg('Send the file as multipart/form-data.', '请以 multipart/form-data 上传文件。'));
  const fields: Record<string, string> = {};
  let file: Upload | null = null;
  const cleanup = async () => {
    if (file) rmSync(file.path, { force: true });
  };
  try {
    for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 1024 * 1024 } })) {
      if (part.type === 'file') {
        const path = join(dir, `upload-${randomBytes(8).toString('hex')}`);
        file = { path, name: (part.filename || 'upload.csv').replace(/[/\\\u0000-\u001f]/g, '_').slice(0, 200), bytes: 0, fields };
        await pipeline(part.file, createWriteStream(path));
        if (part.file.truncated) {
          throw new AppError('PAYLOAD_TOO_LARGE', msg(`The file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`, `文件超过 ${Math.round(maxBytes / 1024 / 1024)} MB。`), [{ path: 'file', message: `larger than ${maxBytes} bytes`, code: 'too_big' }]);
        }
        file.bytes = statSync(path).size;
      } else {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (e) {
    await cleanup();
    if (e instanceof AppError) throw e;
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw invalid('file', 'send one file and a few fields', code);
    throw e;
  }
  if (!file) throw invalid('file', 'no file in the upload', 'required');
  return file;
}

/** A JSON form field (mapping, options) parsed, or a 400 naming the field. */
export function jsonField(fields: Record<string, string>, name: string): unknown {
  const raw = fields[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw invalid(name, 'not valid JSON', 'invalid_json');
  }
}
