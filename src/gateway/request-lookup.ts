// The one store round trip of a request: registry entry + maintenance flag (one script on the
// {gate} slot) sent together with the session touch (one script on the user's slot).
import type { Redis } from 'ioredis';
import { keys, registryField } from '../store/keys.js';
import { decodeRegistration } from '../registry/registration.js';
import type { GateFacts } from '../kernel/facts.js';

export type { GateFacts };

const GATE_SCRIPT = `
local reg = redis.call('HGET', KEYS[1], ARGV[1])
local m = redis.call('HMGET', KEYS[2], 'on', 'message', 'since')
return { reg or '', m[1] or '', m[2] or '', m[3] or '' }
`;

type GateReply = [string, string, string, string];

interface GateRedis extends Redis {
  certgateGate(registryKey: string, maintenanceKey: string, field: string): Promise<GateReply>;
}

/** Registers the script on the connection once (ioredis sends EVALSHA, falling back to EVAL). */
export function defineGateScript(redis: Redis): void {
  if (!('certgateGate' in redis)) redis.defineCommand('certgateGate', { numberOfKeys: 2, lua: GATE_SCRIPT });
}

export async function lookupGate(redis: Redis, issuerId: string, serial: string): Promise<GateFacts> {
  const field = registryField(issuerId, serial);
  const [reg, on, message, since] = await (redis as GateRedis).certgateGate(keys.registry, keys.maintenance, field);
  return {
    registration: reg ? decodeRegistration(field, reg) : undefined,
    maintenance: {
      on: on === '1',
      ...(message ? { message } : {}),
      ...(since ? { since: Number(since) } : {}),
    },
  };
}
