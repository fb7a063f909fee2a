// Japanese text for every page (the default language). The English file must match this shape exactly.
import type { Role } from '../../users/roles.js';
import type { CertReason, CertState, NoticeCategory, PasswordError, Section, SessionEndReason, SystemErrorReason } from '../types.js';

type Explained = { title: string; lead: string; steps: string[] };

export const ja = {
  systemName: 'certgate ポータル',
  systemTagline: '容量市場 事業者向けポータル',
  skipToContent: '本文へ移動',
  footer: 'certgate — クライアント証明書認証ゲートウェイ',
  header: {
    userLabel: 'ユーザ名',
    logout: 'ログアウト',
    logoutConfirm: 'ログアウトしますか？',
    langSwitch: 'English',
    langSwitchLabel: 'Display in English',
  },
  menu: {
    label: 'メインメニュー',
    home: 'ホーム',
    registration: '参加登録',
    review: '審査',
    auction: '容量オークション',
    contract: '容量確保契約',
  } satisfies Record<Section | 'home' | 'label', string>,
  banner: {
    text: (date: string, days: number) =>
      days < 0
        ? `クライアント証明書の有効期限（${date}）が過ぎています。`
        : days === 0
          ? `クライアント証明書の有効期限は本日（${date}）までです。`
          : `クライアント証明書の有効期限は ${date} です（残り ${days} 日）。`,
    action: '期限までに新しい証明書を入手し、事業者の管理者にシリアル番号の登録を依頼してください。',
    expiredAction: '新しい証明書を入手し、事業者の管理者にシリアル番号の登録を依頼してください。',
    link: '証明書の情報を確認する',
  },
  common: {
    close: '閉じる',
    closeNote: '[閉じる]を押すとログアウトします。',
    toLogin: 'ログイン画面へ',
    loginAgain: '再度ログインする',
    help: 'クライアント証明書の設定・確認方法',
    toHome: 'ホームへ戻る',
    back: '戻る',
    whatToDo: '対処方法',
    details: '詳細情報',
    requestId: 'お問い合わせ番号',
    requestIdNote: 'お問い合わせの際は、この番号をお伝えください。',
    required: '（必須）',
    errorPrefix: 'エラー：',
  },
  cert: {
    serial: 'シリアル番号',
    issuer: '発行者',
    subject: '所有者（サブジェクト）',
    notBefore: '有効期間の開始',
    notAfter: '有効期限',
    daysLeft: '残り日数',
    days: (n: number) => `${n} 日`,
    expired: '期限切れ',
    state: '登録状況',
    operator: '事業者ID',
    usage: '利用区分',
    usages: { web: 'Web利用(ブラウザ)', api: 'API利用(システム連携)' },
  },
  loginError: {
    heading: 'ログインエラー',
    adminNote: 'ユーザIDの登録状況も、事業者の管理者（登録作業者）に確認できます。',
    reasons: {
      'cert-missing': {
        title: 'クライアント証明書を確認できませんでした',
        lead: 'このシステムを使うには、事業者に発行されたクライアント証明書をブラウザに登録しておく必要があります。',
        steps: [
          'クライアント証明書（.p12 ファイル）を、利用するブラウザにインポートしてください。',
          'ブラウザをすべて閉じてから再度アクセスし、証明書の選択画面で当システム用の証明書を選んでください。',
          'USB トークンを使う場合は、トークンが端末に接続されているか確認してください。',
        ],
      },
      'cert-untrusted': {
        title: 'この証明書は当システムでは使えません',
        lead: '選択された証明書は、当システムが認めている認証局から発行されたものではありません。',
        steps: [
          'ブラウザを再起動して証明書の選択画面を再表示し、当システム用に購入した証明書を選び直してください。',
          '該当する証明書が見つからない場合は、事業者の管理者に確認してください。',
        ],
      },
      'cert-expired': {
        title: 'クライアント証明書の有効期限が切れています',
        lead: '有効期間を過ぎた証明書ではログインできません。',
        steps: [
          '新しいクライアント証明書を入手し、ブラウザにインポートしてください。',
          '事業者の管理者に、新しい証明書のシリアル番号の登録を依頼してください。',
        ],
      },
      'cert-not-yet-valid': {
        title: 'クライアント証明書の有効期間がまだ始まっていません',
        lead: '利用開始日より前の証明書ではログインできません。',
        steps: [
          '有効期間の開始日以降に、再度アクセスしてください。',
          '端末の日付と時刻が正しく設定されているか確認してください。',
          '現在使える証明書がほかにある場合は、ブラウザを再起動してその証明書を選んでください。',
        ],
      },
      'cert-revoked': {
        title: 'このクライアント証明書は利用が停止されています',
        lead: '証明書が失効しているか、当システムでの登録が無効になっています。',
        steps: [
          '事業者の管理者に連絡し、証明書の状態を確認してください。',
          '新しい証明書を使う場合は、そのシリアル番号の登録を管理者に依頼してください。',
        ],
      },
      'cert-revocation-unknown': {
        title: 'クライアント証明書の失効状態を確認できません',
        lead: '認証局から最新の失効情報を取得できないため、現在この認証局の証明書ではログインできません。',
        steps: [
          'しばらく待ってから、再度アクセスしてください。',
          '解消しない場合は、ポータルのヘルプデスクにお問い合わせください(証明書自体は有効な場合があります)。',
        ],
      },
      'cert-unregistered': {
        title: 'クライアント証明書が登録されていません',
        lead: 'この証明書のシリアル番号は当システムに登録されていないため、ログインできません。',
        steps: [
          '事業者の管理者（登録作業者）に、下記のシリアル番号の登録を依頼してください。',
          '登録が済んだら、ブラウザを再起動してから再度アクセスしてください。',
        ],
      },
      'cert-wrong-usage': {
        title: 'この証明書はWeb利用(ブラウザ)には使えません',
        lead: '選択された証明書はAPI利用(システム連携)として登録されているため、画面からはログインできません。',
        steps: [
          'ブラウザを再起動して証明書の選択画面を再表示し、Web利用として登録された証明書を選び直してください。',
          'Web利用の証明書がない場合は、事業者の管理者(登録作業者)に登録を依頼してください。',
        ],
      },
    } satisfies Record<CertReason, Explained>,
  },
  sessionTimeout: {
    heading: 'セッションタイムアウトエラー',
    endedHeading: 'セッション終了',
    action: '引き続き利用する場合は、再度ログインしてください。',
    reasons: {
      idle: {
        title: '一定時間操作がなかったため、ログアウトしました',
        lead: '安全のため、操作のない状態が続いたセッションは自動的に終了します。',
      },
      expired: {
        title: 'ログインの有効時間が終了しました',
        lead: 'ログインしてから一定の時間が経過したため、セッションを終了しました。',
      },
      ended: {
        title: 'このセッションは終了しています',
        lead: 'ログアウト、パスワードの変更、または管理者の操作によって、セッションが終了しました。',
      },
      'cert-changed': {
        title: 'クライアント証明書が変わったため、ログアウトしました',
        lead: 'ログインしたときと異なる証明書での接続を検出したため、安全のためセッションを終了しました。',
      },
      'account-locked': {
        title: '管理者がアカウントをロックしたため、ログアウトしました',
        lead: '事業者の管理者がこのユーザIDをロックしました。ロックが解除されるまでログインできません。',
        action: '心当たりがない場合は、事業者の管理者に確認してください。',
      },
      'password-reset': {
        title: '管理者がパスワードを再発行したため、ログアウトしました',
        lead: '事業者の管理者がこのユーザIDのパスワードを再発行しました。',
        action: '管理者から通知された仮パスワードでログインし、新しいパスワードを設定してください。',
      },
      'ended-by-admin': {
        title: '管理者がセッションを終了しました',
        lead: 'システムの管理者の操作によって、このセッションは終了しました。',
      },
    } satisfies Record<SessionEndReason, { title: string; lead: string; action?: string }>,
  },
  multipleLogin: {
    heading: '多重ログインエラー',
    reasons: {
      replaced: {
        title: '別の端末から同じユーザIDでログインされました',
        lead: '同じユーザIDで別の端末またはブラウザからログインがあったため、この画面のセッションは終了しました。',
        steps: [
          '引き続き利用する場合は、再度ログインしてください（もう一方の端末のセッションは終了します）。',
          '心当たりがない場合は、パスワードを変更し、事業者の管理者に連絡してください。',
        ],
      },
      rejected: {
        title: 'このユーザIDは別の端末でログイン中です',
        lead: '同じユーザIDで別の端末からログインしているため、新しいログインを受け付けませんでした。',
        steps: [
          'もう一方の端末でログアウトしてから、再度ログインしてください。',
          '心当たりがない場合は、事業者の管理者に連絡してください。',
        ],
      },
    },
  },
  maintenance: {
    eyebrow: 'メンテナンス',
    heading: 'システムメンテナンス中です',
    lead: '現在、システムメンテナンスのため利用できません。',
    action: 'メンテナンスの終了後に、再度アクセスしてログインしてください。',
    since: 'メンテナンス開始',
    message: '運営者からのお知らせ',
  },
  systemError: {
    heading: 'システムエラー',
    reasons: {
      'store-unavailable': {
        title: 'システムが一時的に利用できません',
        lead: 'システム内部の処理が応答しませんでした。しばらく時間をおいてから、再度ログインしてください。',
      },
      'upstream-refused': {
        title: '業務システムに接続できませんでした',
        lead: '業務システムが応答していません。しばらく時間をおいてから、再度ログインしてください。',
      },
      'upstream-timeout': {
        title: '業務システムから時間内に応答がありませんでした',
        lead: '処理に時間がかかっています。再度ログインしたうえで、直前の操作が完了しているか確認してください。',
      },
      overloaded: {
        title: 'アクセスが集中しています',
        lead: '現在、多くのログイン処理を受け付けています。少し待ってから、もう一度お試しください。',
      },
      internal: {
        title: '予期しないエラーが発生しました',
        lead: '処理を完了できませんでした。時間をおいて再度ログインしてください。解消しない場合は、お問い合わせ番号を添えてご連絡ください。',
      },
      csrf: {
        title: '画面の有効期限が切れています',
        lead: '送信されたフォームを確認できなかったため、処理を中止しました。画面を開き直してから、もう一度操作してください。',
      },
      'bad-request': {
        title: 'このリクエストは処理できません',
        lead: 'このシステムでは受け付けられない形式のリクエストです。ホーム画面から目的のページを開き直してください。',
      },
    } satisfies Record<SystemErrorReason, { title: string; lead: string }>,
  },
  notFound: {
    eyebrow: '404エラー',
    heading: 'ページが見つかりません',
    lead: 'アクセスしたページは存在しないか、移動した可能性があります。',
    steps: ['アドレス（URL）に誤りがないか確認してください。', 'ホーム画面から目的のページを開き直してください。'],
  },
  login: {
    heading: 'ログイン',
    lead: 'ユーザIDとパスワードを入力してください。',
    userId: 'ユーザID',
    password: 'パスワード',
    submit: 'ログイン',
    errorTitle: 'ログインできませんでした',
    errors: {
      'invalid-credentials':
        'ログインできませんでした。ユーザID、パスワード、ブラウザで選択したクライアント証明書（ご自分の事業者に登録されたもの）を確認して、もう一度ログインしてください。',
      'account-locked': 'パスワードを続けて誤ったため、このアカウントはロックされています。事業者の管理者にロックの解除を依頼してください。',
      'too-many-attempts': 'この証明書からのログイン失敗が多すぎます。しばらく時間をおいてから、もう一度お試しください。',
    },
    lockNote: 'パスワードを一定回数続けて誤ると、アカウントがロックされます。',
    forgot: 'パスワードを忘れた場合は、事業者の管理者に再発行を依頼してください。',
    certLink: 'このブラウザのクライアント証明書を確認する',
    loggedOut: 'ログアウトしました。ご利用を終える場合は、ブラウザを閉じてください。',
  },
  passwordChange: {
    heading: 'パスワード変更',
    forcedLead: '初回ログイン、またはパスワード再発行後のログインのため、パスワードの変更が必要です。',
    lead: '現在のパスワードと新しいパスワードを入力し、[変更]を押してください。',
    userId: 'ユーザID',
    current: '現在のパスワード',
    currentHintForced: 'メール等で通知された仮パスワードを入力してください。',
    next: '新しいパスワード',
    confirm: '新しいパスワード（確認）',
    confirmHint: '確認のため、新しいパスワードをもう一度入力してください。',
    submit: '変更',
    confirmDialog: 'パスワードを変更します。よろしいですか？',
    policyTitle: 'パスワードの条件',
    policy: [
      '半角の英字・数字・記号で 8 文字以上 20 文字以下',
      '英大文字・英小文字・数字・記号のうち 3 種類以上を含む',
      '過去 4 回分のパスワードと同じものは使えない',
      'ユーザIDと同じ文字列は使えない',
    ],
    symbols: '使える記号（半角）：',
    errorTitle: 'パスワードを変更できませんでした',
    errors: {
      length: '新しいパスワードは 8 文字以上 20 文字以下で入力してください。',
      charset: '新しいパスワードに使えない文字が含まれています。半角の英字・数字・記号だけで入力してください。',
      classes: '新しいパスワードには、英大文字・英小文字・数字・記号のうち 3 種類以上を含めてください。',
      'same-as-user-id': 'ユーザIDと同じパスワードは使えません。別の文字列を入力してください。',
      reused: '過去 4 回以内に使ったパスワードは使えません。別の文字列を入力してください。',
      mismatch: '確認用の入力が新しいパスワードと一致しません。同じパスワードをもう一度入力してください。',
      'wrong-current': '現在のパスワードが正しくありません。もう一度入力してください。',
    } satisfies Record<PasswordError, string>,
  },
  passwordChanged: {
    heading: 'パスワードの変更が完了しました',
    lead: '安全のため、いったんログアウトしました。新しいパスワードで再度ログインしてください。',
    login: 'ログイン',
    keptLead: 'パスワードを変更しました。ログインしたまま、引き続き利用できます。',
    toPortal: 'ポータルトップへ戻る',
  },
  certInfo: {
    heading: 'クライアント証明書の情報',
    lead: 'このブラウザが提示しているクライアント証明書の内容です。',
    states: {
      registered: '登録済み',
      unregistered: '未登録',
      expired: '有効期限切れ',
      'not-yet-valid': '有効期間前',
    } satisfies Record<CertState, string>,
    stateNotes: {
      registered: 'この証明書は当システムに登録されており、利用できます。',
      unregistered: '事業者の管理者に、このシリアル番号の登録を依頼してください。',
      expired: '新しい証明書を入手し、事業者の管理者にシリアル番号の登録を依頼してください。',
      'not-yet-valid': '有効期間の開始日以降に利用できます。',
    } satisfies Record<CertState, string>,
    renewal: '証明書の有効期間は 2 年です。期限が切れると当システムを利用できなくなるため、早めに新しい証明書を入手し、シリアル番号の登録を済ませてください。',
  },
  logoutConfirm: {
    heading: 'ログアウト',
    lead: 'ログアウトしますか？',
    note: 'ログアウトした後は、ブラウザを閉じて終了してください。',
    submit: 'ログアウトする',
    cancel: 'キャンセル',
  },
  closed: {
    heading: 'ログアウトしました',
    lead: 'ご利用ありがとうございました。ブラウザをすべて閉じて終了してください。',
    note: 'クライアント証明書を入れ替えた場合も、ブラウザをすべて閉じてから再度アクセスしてください。',
  },
  unauthorized: {
    heading: '認証されていないアクセスです',
    lead: 'このページは、ゲートウェイを経由したアクセスだけを受け付けます。ポータルのアドレスから開き直してください。',
  },
  roles: {
    'operator-admin': '事業者管理者',
    'operator-staff': '事業者担当者',
    reviewer: '審査担当者',
    'market-reviewer': '市場運営者 審査担当者',
  } satisfies Record<Role, string>,
  categories: {
    important: '重要',
    auction: '容量オークション',
    registration: '参加登録',
    maintenance: 'メンテナンス',
    certificate: '証明書',
    general: 'お知らせ',
  } satisfies Record<NoticeCategory, string>,
  portal: {
    welcome: (name: string) => `${name} さん、ようこそ。`,
    sectionsHeading: '業務メニュー',
    sectionLeads: {
      registration: 'ユーザ情報・事業者情報・電源等情報などの登録、変更、取消の申込を行います。',
      review: '各種申込の内容と、審査の状況・結果を確認します。',
      auction: '容量オークションの参加資格の確認、応札情報の登録・変更、結果の照会を行います。',
      contract: '容量確保契約書・変更契約書・解約合意書の照会と、確認結果の登録を行います。',
    } satisfies Record<Section, string>,
    noticesHeading: 'お知らせ',
    noticeDate: '掲載日',
    noticeCategory: '区分',
    noticeTitle: '件名',
    noNotices: '現在、お知らせはありません。',
    total: (n: number) => `全 ${n} 件`,
    pagerLabel: 'お知らせ一覧のページ',
    prev: '前のページ',
    next: '次のページ',
    pageOf: (p: number, n: number) => `${p} / ${n} ページ`,
    backToList: 'お知らせ一覧へ戻る',
    attachments: '添付ファイル',
    attachmentCount: (n: number) => `（添付ファイル ${n} 件）`,
    attachmentsNote: 'ファイル名を押すとダウンロードします。',
    operationsHeading: '利用できる業務',
    noOperations: 'あなたの権限で利用できる業務は、この区分にはありません。',
    rolesNote: 'ログインしているユーザの権限によって、表示される業務は異なります。',
    demoNote: 'このデモ環境では、各業務の画面は用意していません。',
    yourRoles: 'あなたの権限',
    userInfoHeading: 'ユーザ情報',
    userId: 'ユーザID',
    userName: 'ユーザ名',
    operator: '事業者ID',
    roles: '権限',
    certSerial: 'クライアント証明書のシリアル番号',
    certNotAfter: 'クライアント証明書の有効期限',
    changePassword: 'パスワードを変更する',
    certDetails: '証明書の詳細を確認する',
  },
};

export type Messages = typeof ja;
