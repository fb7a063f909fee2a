// Notices from the content folder (content/notices/<id>/notice.json + attachments/), newest first, paged.
//
// Cache choice: the folder is rescanned at most once per `ttlMs` (default 2 s), and a notice.json is
// parsed again only when its mtime or size changed. Editors publish by dropping a folder in place,
// with no restart and at most a couple of seconds of delay; a burst of requests costs one scan.
import { DEFAULT_TIME_ZONE, parseZonedDate } from '../time/zone.js';
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../log/logger.js';
import { NOTICE_CATEGORIES, type NoticeAttachment, type NoticeDetail, type NoticeSummary } from '../pages/types.js';

const NOTICE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const localized = z.object({ ja: z.string().min(1), en: z.string().min(1) });
const noticeSchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD (a day in CERTGATE_TIME_ZONE)'),
  category: z.enum(NOTICE_CATEGORIES).default('general'),
  title: localized,
  body: localized,
});

const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.xls': 'application/vnd.ms-excel',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.zip': 'application/zip',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
};
export const contentTypeOf = (name: string): string => CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';

export interface NoticePage {
  items: NoticeSummary[];
  page: number;
  pageCount: number;
  total: number;
}

export interface NoticeStore {
  list(page: number, pageSize: number): Promise<NoticePage>;
  get(id: string): Promise<NoticeDetail | undefined>;
  /** Absolute path and metadata of an attachment, only if `name` is one of the notice's listed files. */
  attachment(id: string, name: string): Promise<{ path: string; info: NoticeAttachment } | undefined>;
}

interface Entry {
  notice: NoticeDetail;
  mtimeMs: number;
  size: number;
}

export function createNoticeStore(contentDir: string, opts: { logger: Logger; ttlMs?: number; timeZone?: string }): NoticeStore {
  // A publication day is a calendar day in the configured zone (CERTGATE_TIME_ZONE), so the pages show it unchanged.
  const zone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const noticesDir = join(contentDir, 'notices');
  const ttlMs = opts.ttlMs ?? 2000;
  let parsed = new Map<string, Entry>();
  let sorted: NoticeDetail[] = [];
  let scannedAt = -Infinity;
  let pending: Promise<void> | undefined;
  let warnedMissing = false;

  async function scanAttachments(dir: string): Promise<NoticeAttachment[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    // Regular files only: a symlink or sub-folder can never be served, so traversal has nothing to reach.
    const files = entries.filter((e) => e.isFile() && !e.name.startsWith('.'));
    const out = await Promise.all(
      files.map(async (e) => ({ name: e.name, size: (await stat(join(dir, e.name))).size, contentType: contentTypeOf(e.name) })),
    );
    return out.sort((a, b) => a.name.localeCompare(b.name, 'ja'));
  }

  async function load(id: string, previous: Entry | undefined): Promise<Entry | undefined> {
    const file = join(noticesDir, id, 'notice.json');
    let st;
    try {
      st = await stat(file);
    } catch {
      return undefined;
    }
    const attachments = await scanAttachments(join(noticesDir, id, 'attachments'));
    if (previous && previous.mtimeMs === st.mtimeMs && previous.size === st.size) {
      return { ...previous, notice: { ...previous.notice, attachments } };
    }
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      opts.logger.warn({ notice: id, err: (err as Error).message }, 'notice skipped: notice.json is not valid JSON');
      return undefined;
    }
    const result = noticeSchema.safeParse(json);
    if (!result.success) {
      const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      opts.logger.warn({ notice: id, problems }, 'notice skipped: notice.json does not match the expected shape');
      return undefined;
    }
    const { date, category, title, body } = result.data;
    const day = new Date(parseZonedDate(date, zone, 'start') ?? Number.NaN);
    if (Number.isNaN(day.getTime())) return undefined;
    return { notice: { id, date: day, category, title, body, attachments }, mtimeMs: st.mtimeMs, size: st.size };
  }

  async function scan(): Promise<void> {
    let dirs: Dirent[];
    try {
      dirs = await readdir(noticesDir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      if (!warnedMissing) opts.logger.warn({ dir: noticesDir }, 'notice folder not found: the home page shows no notices');
      warnedMissing = true;
      dirs = [];
    }
    const next = new Map<string, Entry>();
    const ids = dirs.filter((d) => d.isDirectory() && NOTICE_ID.test(d.name)).map((d) => d.name);
    const loaded = await Promise.all(ids.map((id) => load(id, parsed.get(id))));
    loaded.forEach((entry, i) => entry && next.set(ids[i]!, entry));
    parsed = next;
    sorted = [...next.values()]
      .map((e) => e.notice)
      .sort((a, b) => b.date.getTime() - a.date.getTime() || b.id.localeCompare(a.id));
    scannedAt = Date.now();
  }

  async function fresh(): Promise<void> {
    if (Date.now() - scannedAt < ttlMs) return;
    // Concurrent requests share one scan.
    pending ??= scan().finally(() => {
      pending = undefined;
    });
    await pending;
  }

  return {
    async list(page, pageSize) {
      await fresh();
      const total = sorted.length;
      const pageCount = Math.max(1, Math.ceil(total / pageSize));
      const current = Math.min(Math.max(1, Math.floor(page) || 1), pageCount);
      const items = sorted.slice((current - 1) * pageSize, current * pageSize).map(({ body: _body, attachments, ...rest }) => ({
        ...rest,
        attachmentCount: attachments.length,
      }));
      return { items, page: current, pageCount, total };
    },
    async get(id) {
      if (!NOTICE_ID.test(id)) return undefined;
      await fresh();
      return parsed.get(id)?.notice;
    },
    async attachment(id, name) {
      if (!NOTICE_ID.test(id)) return undefined;
      await fresh();
      const info = parsed.get(id)?.notice.attachments.find((a) => a.name === name);
      return info ? { path: join(noticesDir, id, 'attachments', info.name), info } : undefined;
    },
  };
}
