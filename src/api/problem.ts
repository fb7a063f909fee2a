// RFC 9457 problem details for clients of the API routes: a program reads `reason` (the same
// stable codes as the pages' data-reason) and `status`; `detail` is for the person reading its log.
import { STATUS_CODES } from 'node:http';
import type { Context } from 'koa';
import type { Lang } from '../pages/i18n.js';
import type { CertReason } from '../pages/types.js';

export const PROBLEM_TYPE = 'application/problem+json';

/** Every reason an API client can get, beyond the certificate reasons. */
export type ApiReason =
  | CertReason
  | 'maintenance'
  | 'rate-limited'
  | 'bad-request'
  | 'not-found'
  | 'unauthorized'
  | 'store-unavailable'
  | 'upstream-refused'
  | 'upstream-timeout'
  | 'overloaded'
  | 'internal';

export interface Problem {
  /** `about:blank`: the HTTP status says what kind of problem it is; `reason` says which. */
  type: 'about:blank';
  title: string;
  status: number;
  reason: ApiReason;
  detail: string;
}

interface Text {
  status: number;
  ja: string;
  en: string;
}

/** A certificate reason without its own text below (e.g. one added later) still gets a 403 problem. */
const CERT_FALLBACK: Text = { status: 403, ja: 'このクライアント証明書は利用できません。', en: 'The client certificate cannot be used.' };

const TEXT: Record<Exclude<ApiReason, CertReason>, Text> & Partial<Record<CertReason, Text>> = {
  'cert-missing': { status: 403, ja: 'クライアント証明書が提示されていません。API利用として登録された証明書と鍵で接続してください。', en: 'No client certificate was presented; connect with the certificate and key registered for API use.' },
  'cert-untrusted': { status: 403, ja: 'クライアント証明書は当システムが認める認証局の発行ではありません。', en: 'The client certificate was not issued by a certificate authority this system trusts.' },
  'cert-expired': { status: 403, ja: 'クライアント証明書の有効期限が切れています。新しい証明書を登録してください。', en: 'The client certificate has expired; have a new certificate registered.' },
  'cert-not-yet-valid': { status: 403, ja: 'クライアント証明書の有効期間がまだ始まっていません。', en: 'The client certificate is not valid yet.' },
  'cert-revoked': { status: 403, ja: 'クライアント証明書は失効しています。', en: 'The client certificate has been revoked.' },
  'cert-unregistered': { status: 403, ja: 'クライアント証明書のシリアル番号が登録されていません。事業者の管理者に登録を依頼してください。', en: "The client certificate's serial number is not registered; ask your operator administrator to register it." },
  'cert-wrong-usage': { status: 403, ja: 'この証明書はWeb利用として登録されています。APIにはAPI利用として登録された証明書を使ってください。', en: 'This certificate is registered for web (browser) use; the API needs a certificate registered for API use.' },
  maintenance: { status: 503, ja: 'メンテナンス中です。Retry-After の秒数が過ぎてから再試行してください。', en: 'The system is under maintenance; retry after the number of seconds in Retry-After.' },
  'rate-limited': { status: 429, ja: 'この証明書からのリクエストが上限を超えました。Retry-After の秒数が過ぎてから再試行してください。', en: 'Too many requests with this certificate; retry after the number of seconds in Retry-After.' },
  'bad-request': { status: 400, ja: 'リクエストのパスに使えない要素(. や .. のセグメント)が含まれています。', en: 'The request path contains dot segments (. or ..), which are not accepted.' },
  'not-found': { status: 404, ja: '指定されたAPIはありません。', en: 'There is no API at this path.' },
  unauthorized: { status: 401, ja: 'ゲートウェイを経由していないリクエストです。', en: 'The request did not come through the gateway.' },
  'store-unavailable': { status: 503, ja: '一時的に処理できません(ストア障害)。しばらくしてから再試行してください。', en: 'Temporarily unable to answer (store unavailable); retry shortly.' },
  'upstream-refused': { status: 502, ja: 'バックエンドに接続できませんでした。', en: 'The backend refused the connection.' },
  'upstream-timeout': { status: 504, ja: 'バックエンドが時間内に応答しませんでした。', en: 'The backend did not answer in time.' },
  overloaded: { status: 503, ja: '混雑のため処理できません。しばらくしてから再試行してください。', en: 'Too busy to answer; retry shortly.' },
  internal: { status: 500, ja: '予期しないエラーが発生しました。', en: 'An unexpected error occurred.' },
};

/** Retry-After (seconds) sent with these reasons when the caller gives none. */
const RETRY_AFTER: Partial<Record<ApiReason, number>> = { maintenance: 300, 'store-unavailable': 5, overloaded: 5 };

export interface ProblemResponse {
  problem: Problem;
  retryAfterSeconds?: number;
}

export function problemFor(reason: ApiReason, lang: Lang, o: { status?: number; detail?: string; retryAfterSeconds?: number } = {}): ProblemResponse {
  const text = TEXT[reason] ?? CERT_FALLBACK;
  const status = o.status ?? text.status;
  const problem: Problem = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, reason, detail: o.detail ?? text[lang] };
  const retry = o.retryAfterSeconds ?? RETRY_AFTER[reason];
  return retry === undefined ? { problem } : { problem, retryAfterSeconds: retry };
}

/** Writes the problem as the whole response: JSON, never HTML, never cached. */
export function sendProblem(ctx: Context, r: ProblemResponse): void {
  ctx.status = r.problem.status;
  ctx.type = PROBLEM_TYPE;
  ctx.set('Cache-Control', 'no-store');
  if (r.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(r.retryAfterSeconds));
  ctx.body = JSON.stringify(r.problem);
}
