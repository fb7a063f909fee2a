// The administration pages' dictionaries (src/pages/messages/admin-*.ts), chosen by language like messages().
import type { Lang } from './i18n.js';
import { adminEn } from './messages/admin-en.js';
import { adminJa, type AdminMessages } from './messages/admin-ja.js';

export type { AdminMessages };
export const adminMessages = (lang: Lang): AdminMessages => (lang === 'en' ? adminEn : adminJa);
