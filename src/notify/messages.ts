// The words of every notice, in Japanese and English. Renewal steps follow the CA's notice on
// client certificates (two-year validity, start date up to 180 days ahead, register before expiry,
// remove expired ones in bulk), rewritten for certgate.
import type { Lang } from './dates.js';
import type { EventKind } from './planner.js';

export interface Messages {
  /** `soonest`: fewest days left among certificates not yet expired (undefined: all expired). */
  reminderSubject(count: number, soonest: number | undefined, expired: number): string;
  reminderIntro: string;
  certificateLines(c: { serial: string; label: string; operator: string; expires: string; left: string }): string[];
  daysLeft(n: number): string;
  expired: string;
  renewalSteps: string[];
  footer: string;
  eventSubject: Record<EventKind, (userId: string) => string>;
  eventBody: Record<EventKind, (e: { userId: string; userName: string; operator: string; at: string }) => string[]>;
  accountFooter: string;
}

const ja: Messages = {
  reminderSubject: (count, soonest, expired) =>
    soonest === undefined
      ? `[certgate] クライアント証明書の有効期限が切れました（${count}件）`
      : `[certgate] クライアント証明書の有効期限が近づいています（${count}件、最短あと${soonest}日${expired > 0 ? `、期限切れ${expired}件を含む` : ''}）`,
  reminderIntro: '次のクライアント証明書の有効期限が近づいている、または切れています。有効期限を過ぎた証明書ではシステムにログインできなくなります。',
  certificateLines: (c) => [
    `■ シリアル番号: ${c.serial}`,
    `  ラベル: ${c.label}`,
    `  事業者: ${c.operator}`,
    `  有効期限: ${c.expires}（${c.left}）`,
  ],
  daysLeft: (n) => (n === 0 ? '本日まで' : `あと${n}日`),
  expired: '期限切れ',
  renewalSteps: [
    '【更新の手順】',
    '1. 新しいクライアント証明書を認証局に申し込んでください。取得には相応の期間がかかります。有効期間は2年間で、開始日は申込日から180日先まで指定でき、有効期限の異なる複数の証明書をまとめて購入することもできます。',
    '2. 新しい証明書のシリアル番号を、有効期限が切れる前に事業者の管理者からシステムへ登録（利用申請）してください。登録の完了にも相応の期間がかかるため、少なくとも有効期限の2週間前までを目安にしてください。',
    '3. 新しい証明書をブラウザに取り込み、ログインできることを確認してください（/auth/cert で使用中の証明書のシリアル番号と有効期限を確認できます）。',
    '4. 期限が切れて使わなくなった証明書は削除申請をしてください。3か月分程度をまとめて申請すると手続きが簡単です。',
  ],
  footer: 'このメールは certgate から自動送信されています。このメールに返信しても回答できません。証明書の有効期限は各事業者で管理してください。',
  eventSubject: {
    lockout: (u) => `[certgate] アカウントがロックされました（ユーザID: ${u}）`,
    'password-reset': () => '[certgate] 仮パスワードが発行されました',
    'password-changed': () => '[certgate] パスワードが変更されました',
    'account-created': () => '[certgate] アカウントが作成されました',
  },
  eventBody: {
    lockout: (e) => [
      `パスワードを一定回数以上連続で誤ったため、次のアカウントがロックされました。`,
      `  ユーザID: ${e.userId}`,
      `  氏名: ${e.userName}`,
      `  事業者: ${e.operator}`,
      `  日時: ${e.at}`,
      '',
      `ご本人に確認のうえ、管理者がロックを解除してください（管理画面のユーザ情報、または certgate user unlock ${e.userId}）。`,
      `ご本人の操作でない場合は、解除の前にパスワードの再発行（certgate user reset-password ${e.userId}）を検討してください。`,
    ],
    'password-reset': (e) => [
      `管理者が、あなたのアカウント（ユーザID: ${e.userId}）に新しい仮パスワードを発行しました（${e.at}）。`,
      '仮パスワードはこのメールには記載していません。管理者から受け取り、次回のログイン時に新しいパスワードへ変更してください。',
      '心当たりがない場合は、事業者の管理者へ連絡してください。',
    ],
    'password-changed': (e) => [
      `あなたのアカウント（ユーザID: ${e.userId}）のパスワードが変更されました（${e.at}）。`,
      'ご自身で変更した場合、対応は不要です。心当たりがない場合は、すぐに事業者の管理者へ連絡してください。',
    ],
    'account-created': (e) => [
      `あなたのアカウント（ユーザID: ${e.userId}、事業者: ${e.operator}）が作成されました（${e.at}）。`,
      '仮パスワードはこのメールには記載していません。管理者から受け取り、初回ログイン時に新しいパスワードへ変更してください。',
      'ログインには、登録済みのクライアント証明書をブラウザに取り込んでおく必要があります。',
    ],
  },
  accountFooter: 'このメールは certgate から自動送信されています。パスワードをメールでお知らせすることはありません。',
};

const en: Messages = {
  reminderSubject: (count, soonest, expired) =>
    soonest === undefined
      ? `[certgate] Client certificate expired (${count})`
      : `[certgate] Client certificate expiry notice (${count}, soonest in ${soonest} day${soonest === 1 ? '' : 's'}${expired > 0 ? `, ${expired} expired` : ''})`,
  reminderIntro: 'The following client certificates expire soon or have expired. A certificate past its expiry can no longer log in.',
  certificateLines: (c) => [`* Serial number: ${c.serial}`, `  Label: ${c.label}`, `  Operator: ${c.operator}`, `  Expires: ${c.expires} (${c.left})`],
  daysLeft: (n) => (n === 0 ? 'last day today' : `${n} day${n === 1 ? '' : 's'} left`),
  expired: 'expired',
  renewalSteps: [
    'What to do:',
    '1. Order a new client certificate from the certificate authority now; issuing takes time. Certificates are valid for two years, the start date can be set up to 180 days after the order, and several certificates with different expiry dates can be bought at once.',
    '2. Have your operator administrator register the new certificate\'s serial number with the system before the old one expires; registration also takes time, so allow at least two weeks.',
    '3. Import the new certificate into the browser and check that you can log in (/auth/cert shows the serial number and expiry of the certificate in use).',
    '4. Apply for removal of expired certificates you no longer use; batching about three months of them keeps it simple.',
  ],
  footer: 'This mail was sent automatically by certgate; replies are not read. Each operator is responsible for tracking its certificates\' expiry.',
  eventSubject: {
    lockout: (u) => `[certgate] Account locked (user ID: ${u})`,
    'password-reset': () => '[certgate] A temporary password was issued',
    'password-changed': () => '[certgate] Your password was changed',
    'account-created': () => '[certgate] Your account was created',
  },
  eventBody: {
    lockout: (e) => [
      'The following account was locked after too many wrong passwords in a row.',
      `  User ID: ${e.userId}`,
      `  Name: ${e.userName}`,
      `  Operator: ${e.operator}`,
      `  Time: ${e.at}`,
      '',
      `After checking with the user, an administrator unlocks it (user management in the admin pages, or certgate user unlock ${e.userId}).`,
      `If the attempts were not the user's own, consider issuing a new password (certgate user reset-password ${e.userId}) before unlocking.`,
    ],
    'password-reset': (e) => [
      `An administrator issued a new temporary password for your account (user ID: ${e.userId}) at ${e.at}.`,
      'The temporary password is not in this mail. Get it from your administrator and choose a new password at your next login.',
      'If you did not expect this, contact your operator administrator.',
    ],
    'password-changed': (e) => [
      `The password of your account (user ID: ${e.userId}) was changed at ${e.at}.`,
      'If you changed it, nothing needs to be done. If not, contact your operator administrator at once.',
    ],
    'account-created': (e) => [
      `An account was created for you (user ID: ${e.userId}, operator: ${e.operator}) at ${e.at}.`,
      'The temporary password is not in this mail. Get it from your administrator and choose a new password at your first login.',
      'To log in, your registered client certificate must be imported into the browser.',
    ],
  },
  accountFooter: 'This mail was sent automatically by certgate. certgate never sends passwords by mail.',
};

export const messages = (lang: Lang): Messages => (lang === 'en' ? en : ja);
