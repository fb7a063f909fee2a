// A setting that must be a URL of given schemes (SMTP server, webhook, OCSP responder, upstream): one
// rule and one message for all of them, naming the variable and the schemes it accepts.
import { z } from 'zod';

export const urlSetting = (name: string, protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );
