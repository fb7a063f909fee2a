// Which operations each role sees in the portal's four sections: the one table of portal authorisation.
import { ROLES, isRole, type Role } from '../users/roles.js';
import type { LocalizedText, Section } from '../pages/types.js';

export interface Operation {
  id: string;
  section: Section;
  roles: readonly Role[];
  title: LocalizedText;
  description: LocalizedText;
  /** A gateway page that carries out the operation (operator administration, review). */
  href?: string;
}

const ADMIN: readonly Role[] = ['operator-admin'];
const OPERATOR: readonly Role[] = ['operator-admin', 'operator-staff'];
const REVIEWER: readonly Role[] = ['reviewer'];
const EVERYONE: readonly Role[] = ROLES;

const op = (section: Section, id: string, roles: readonly Role[], ja: [string, string], en: [string, string], href?: string): Operation => ({
  id,
  section,
  roles,
  title: { ja: ja[0], en: en[0] },
  description: { ja: ja[1], en: en[1] },
  ...(href ? { href } : {}),
});

/** Order within a section is display order. */
export const OPERATIONS: readonly Operation[] = [
  op('registration', 'user-management', ADMIN,
    ['ユーザ情報管理', '自社ユーザの登録・変更・削除、パスワード再発行、アカウントロックの解除を行います。'],
    ['User management', 'Add, change and remove your users, reissue passwords and unlock accounts.'], '/auth/admin/users'),
  op('registration', 'operator-info', ADMIN,
    ['事業者情報管理', '事業者情報の登録・変更の申込と、クライアント証明書のシリアル番号の登録を行います。'],
    ['Operator information', 'Apply to register or change operator details, and register client-certificate serial numbers.'], '/auth/admin/certificates'),
  op('registration', 'resource-info', OPERATOR,
    ['電源等情報管理', '電源等情報の登録・変更・取消を申し込みます。'],
    ['Resource information', 'Apply to register, change or withdraw resource (generator and demand response) information.']),
  op('registration', 'expected-capacity', OPERATOR,
    ['期待容量情報管理', '期待容量の算定に使う情報を登録・変更します。'],
    ['Expected capacity', 'Register or change the data used to calculate expected capacity.']),
  op('registration', 'bulk-registration', OPERATOR,
    ['一括登録・変更', 'ファイルをアップロードして、複数の情報をまとめて登録・変更します。'],
    ['Bulk registration', 'Upload a file to register or change many records at once.']),
  op('registration', 'bulk-results', OPERATOR,
    ['一括登録・変更結果確認', '一括登録・変更の処理結果とエラー内容を確認します。'],
    ['Bulk registration results', 'Check the outcome and any errors of bulk registrations.']),
  op('review', 'application-status', OPERATOR,
    ['申込状況照会', '自社が提出した申込の審査状況と審査結果を確認します。'],
    ['Application status', 'Check the review status and results of applications your company submitted.']),
  op('review', 'operator-review', REVIEWER,
    ['事業者情報審査管理', '事業者情報の申込内容を審査し、結果を登録します。'],
    ['Operator information review', 'Review operator information applications and record the result.']),
  op('review', 'certificate-review', ['market-reviewer'],
    ['クライアント証明書 申請審査', '事業者からのクライアント証明書の登録・削除の申請を審査し、承認または却下します。'],
    ['Certificate application review', 'Review operators\' applications to register or remove client certificates, and approve or reject them.'], '/auth/review/applications'),
  op('review', 'resource-review', REVIEWER,
    ['電源等情報審査管理', '電源等情報の申込内容を審査し、結果を登録します。'],
    ['Resource information review', 'Review resource information applications and record the result.']),
  op('review', 'expected-capacity-review', REVIEWER,
    ['期待容量情報審査管理', '期待容量情報の申込内容を審査し、結果を登録します。'],
    ['Expected capacity review', 'Review expected-capacity applications and record the result.']),
  op('auction', 'eligibility', OPERATOR,
    ['容量オークション参加資格情報管理', '容量オークションへの参加資格の情報を照会します。'],
    ['Auction eligibility', 'View your eligibility to take part in capacity auctions.']),
  op('auction', 'bids', OPERATOR,
    ['応札情報管理', '応札情報を登録・変更・取消します。'],
    ['Bids', 'Enter, change or withdraw bids.']),
  op('auction', 'bulk-bids', OPERATOR,
    ['一括登録・変更(応札)', '複数の応札情報をファイルでまとめて登録・変更します。'],
    ['Bulk bids', 'Enter or change many bids at once from a file.']),
  op('auction', 'results', EVERYONE,
    ['容量オークション結果情報管理', '容量オークションの約定結果を照会します。'],
    ['Auction results', 'View the cleared results of capacity auctions.']),
  op('contract', 'contract-documents', OPERATOR,
    ['容量確保契約情報管理', '容量確保契約書・変更契約書・解約合意書を照会します。'],
    ['Capacity contracts', 'View capacity contracts, amendments and termination agreements.']),
  op('contract', 'contract-confirmation', ADMIN,
    ['契約内容の確認結果登録', '契約書類の内容を確認し、その結果を登録します。'],
    ['Contract confirmation', 'Confirm the content of contract documents and record the result.']),
];

/** The operations of a section that any of the given roles may use (unknown role names grant nothing). */
export function operationsFor(section: Section, roles: readonly string[]): Operation[] {
  const held = new Set(roles.filter(isRole));
  return OPERATIONS.filter((o) => o.section === section && o.roles.some((r) => held.has(r)));
}

/** The role table as Markdown (README, reports): one row per operation, one column per role. */
export function roleTableMarkdown(): string {
  const head = `| section | operation | ${ROLES.join(' | ')} |\n|---|---|${ROLES.map(() => '---|').join('')}`;
  const rows = OPERATIONS.map(
    (o) => `| ${o.section} | ${o.title.ja} (${o.title.en}) | ${ROLES.map((r) => (o.roles.includes(r) ? '✓' : '')).join(' | ')} |`,
  );
  return [head, ...rows].join('\n');
}
