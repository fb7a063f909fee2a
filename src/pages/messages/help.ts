// Text of the certificate help page (manual chapters 1, 7, 8 and 9, rewritten for today's browsers),
// Japanese and English; kept apart from ja.ts/en.ts because it is long and changes on its own.
import type { Lang } from '../i18n.js';

export interface HelpBrowser {
  name: string;
  steps: string[];
  /** A value to copy (e.g. a policy setting); `{origin}` is replaced by this system's address. */
  code?: string;
}

export interface HelpSection {
  id: 'import' | 'check' | 'auto-select' | 'remove';
  title: string;
  lead: string;
  browsers: HelpBrowser[];
}

export interface HelpText {
  heading: string;
  lead: string;
  toc: string;
  certPageLink: string;
  after: string;
  sections: HelpSection[];
}

const ja: HelpText = {
  heading: 'クライアント証明書の設定・確認方法',
  lead: 'マニュアルの1章・7章・8章・9章（Internet Explorer の手順）を、現在のブラウザ向けに説明します。ブラウザの版によって、メニューの名前が少し異なる場合があります。',
  toc: 'この画面の内容',
  certPageLink: 'このブラウザが提示している証明書を確認する',
  after: '証明書をインポート・削除した後は、ブラウザをすべて閉じてから再度アクセスしてください。',
  sections: [
    {
      id: 'import',
      title: '証明書のインポート（1章）',
      lead: '認証局から受け取った「.p12」ファイルを、利用するブラウザに登録します。USB トークンの場合はインポート不要ですが、事前にドライバのインストールが必要です。',
      browsers: [
        {
          name: 'Edge・Chrome（Windows）',
          steps: [
            '「.p12」ファイルをダブルクリックすると、証明書のインポートウィザードが開きます。',
            '保存場所は「現在のユーザー」を選び、[次へ]を押します。',
            '証明書のパスワードを入力し、[次へ]を押します。',
            '[証明書の種類に基づいて、自動的に証明書ストアを選択する]を選び、[次へ]、[完了]を押します。',
          ],
        },
        {
          name: 'Safari・Chrome・Edge（macOS）',
          steps: [
            '「.p12」ファイルをダブルクリックすると、キーチェーンアクセスが開きます。',
            '追加先に「ログイン」キーチェーンを選び、証明書のパスワードを入力します。',
          ],
        },
        {
          name: 'Firefox',
          steps: [
            '[設定] → [プライバシーとセキュリティ] → [証明書を表示...] を開きます。',
            '[あなたの証明書] タブで [インポート...] を押し、「.p12」ファイルを選んでパスワードを入力します。',
          ],
        },
      ],
    },
    {
      id: 'check',
      title: 'シリアル番号と有効期限の確認（7章）',
      lead: '当システムの「クライアント証明書の情報」画面でも確認できます。ブラウザで確認する場合は次のとおりです。',
      browsers: [
        {
          name: 'Edge・Chrome（Windows）',
          steps: [
            '[Windows] キー + [R] で「certmgr.msc」を実行します（Edge・Chrome の設定の [証明書の管理] からも開けます）。',
            '[個人] → [証明書] で対象の証明書をダブルクリックします。',
            '[詳細] タブで「シリアル番号」と「有効期間の終了」を確認します。',
          ],
        },
        {
          name: 'macOS（キーチェーンアクセス）',
          steps: ['キーチェーンアクセスの [自分の証明書] で対象の証明書をダブルクリックし、「シリアル番号」と「有効期限」を確認します。'],
        },
        {
          name: 'Firefox',
          steps: ['[証明書を表示...] → [あなたの証明書] で対象の証明書を選び、[表示...] で「シリアル番号」と「有効期間の終了」を確認します。'],
        },
      ],
    },
    {
      id: 'auto-select',
      title: '証明書の自動選択（8章）',
      lead: 'ブラウザに登録された証明書が1つだけの場合、アクセスのたびに表示される証明書の選択画面を省略できます。',
      browsers: [
        {
          name: 'Edge・Chrome（Windows、社内の管理者が設定）',
          steps: [
            'ポリシー「AutoSelectCertificateForUrls」を、グループポリシーまたはレジストリで設定します（Edge：HKLM\\SOFTWARE\\Policies\\Microsoft\\Edge\\AutoSelectCertificateForUrls、Chrome：HKLM\\SOFTWARE\\Policies\\Google\\Chrome\\AutoSelectCertificateForUrls）。',
            '値の名前を「1」とし、次の文字列を設定します。ブラウザを再起動すると有効になります（edge://policy または chrome://policy で確認できます）。',
          ],
          code: '{"pattern":"{origin}","filter":{}}',
        },
        {
          name: 'macOS（キーチェーンアクセス）',
          steps: ['証明書を右クリックし [新規IDプリファレンス...] を選び、当システムのアドレスを入力します。'],
        },
        {
          name: 'Firefox',
          steps: ['[設定] → [プライバシーとセキュリティ] → [証明書] で「自動的に選択する」を選びます（すべてのサイトに適用されます）。'],
        },
      ],
    },
    {
      id: 'remove',
      title: '証明書の削除（9章）',
      lead: '有効期限が切れた証明書や、使わなくなった端末の証明書は削除します。',
      browsers: [
        {
          name: 'Edge・Chrome（Windows）',
          steps: ['「certmgr.msc」の [個人] → [証明書] で対象の証明書を選び、[削除] を押して確認画面で [はい] を押します。', '一覧に残っていないことを確認します。'],
        },
        {
          name: 'macOS（キーチェーンアクセス）',
          steps: ['[自分の証明書] で対象の証明書を選び、[削除] を押します（秘密鍵も一緒に削除されます）。'],
        },
        {
          name: 'Firefox',
          steps: ['[証明書を表示...] → [あなたの証明書] で対象の証明書を選び、[削除...] を押します。'],
        },
      ],
    },
  ],
};

const en: HelpText = {
  heading: 'Installing and checking your client certificate',
  lead: 'Chapters 1, 7, 8 and 9 of the manual describe Internet Explorer; these are the same steps for today\'s browsers. Menu names may differ slightly between browser versions.',
  toc: 'On this page',
  certPageLink: 'Check the certificate this browser presents',
  after: 'After importing or removing a certificate, close every browser window before opening this address again.',
  sections: [
    {
      id: 'import',
      title: 'Import the certificate (chapter 1)',
      lead: 'Install the ".p12" file you received from the certification authority into the browser you use. A USB token needs no import, but its driver must be installed first.',
      browsers: [
        {
          name: 'Edge and Chrome on Windows',
          steps: [
            'Double-click the ".p12" file: the Certificate Import Wizard opens.',
            'Choose "Current User" as the store location and press Next.',
            'Enter the certificate password and press Next.',
            'Choose "Automatically select the certificate store based on the type of certificate", press Next, then Finish.',
          ],
        },
        {
          name: 'Safari, Chrome and Edge on macOS',
          steps: ['Double-click the ".p12" file: Keychain Access opens.', 'Add it to the "login" keychain and enter the certificate password.'],
        },
        {
          name: 'Firefox',
          steps: [
            'Open Settings → Privacy & Security → View Certificates….',
            'On the Your Certificates tab press Import…, choose the ".p12" file and enter its password.',
          ],
        },
      ],
    },
    {
      id: 'check',
      title: 'Check the serial number and expiry (chapter 7)',
      lead: 'The "Client certificate" page of this system shows both. To check in the browser:',
      browsers: [
        {
          name: 'Edge and Chrome on Windows',
          steps: [
            'Press Windows + R and run "certmgr.msc" (or use Manage certificates in the Edge or Chrome settings).',
            'Under Personal → Certificates, double-click the certificate.',
            'On the Details tab, read "Serial number" and "Valid to".',
          ],
        },
        {
          name: 'macOS (Keychain Access)',
          steps: ['Under My Certificates, double-click the certificate and read "Serial Number" and "Expires".'],
        },
        {
          name: 'Firefox',
          steps: ['In View Certificates… → Your Certificates, select the certificate, press View… and read "Serial Number" and "Not After".'],
        },
      ],
    },
    {
      id: 'auto-select',
      title: 'Select the certificate automatically (chapter 8)',
      lead: 'When the browser holds only one certificate for this system, the certificate prompt shown on every visit can be skipped.',
      browsers: [
        {
          name: 'Edge and Chrome on Windows (set by your IT administrator)',
          steps: [
            'Set the policy "AutoSelectCertificateForUrls" by Group Policy or in the registry (Edge: HKLM\\SOFTWARE\\Policies\\Microsoft\\Edge\\AutoSelectCertificateForUrls, Chrome: HKLM\\SOFTWARE\\Policies\\Google\\Chrome\\AutoSelectCertificateForUrls).',
            'Add a string value named "1" with the text below. It applies after a browser restart (check it at edge://policy or chrome://policy).',
          ],
          code: '{"pattern":"{origin}","filter":{}}',
        },
        {
          name: 'macOS (Keychain Access)',
          steps: ['Right-click the certificate, choose New Identity Preference… and enter this system\'s address.'],
        },
        {
          name: 'Firefox',
          steps: ['In Settings → Privacy & Security → Certificates, choose "Select one automatically" (this applies to every site).'],
        },
      ],
    },
    {
      id: 'remove',
      title: 'Remove the certificate (chapter 9)',
      lead: 'Remove expired certificates, and certificates on computers that no longer use this system.',
      browsers: [
        {
          name: 'Edge and Chrome on Windows',
          steps: ['In "certmgr.msc" under Personal → Certificates, select the certificate, press Delete and confirm with Yes.', 'Check that it is no longer listed.'],
        },
        {
          name: 'macOS (Keychain Access)',
          steps: ['Under My Certificates, select the certificate and press Delete (its private key is removed with it).'],
        },
        {
          name: 'Firefox',
          steps: ['In View Certificates… → Your Certificates, select the certificate and press Delete….'],
        },
      ],
    },
  ],
};

export const helpText = (lang: Lang): HelpText => (lang === 'ja' ? ja : en);
