// The store contract (test/helpers/store-contract.ts) against a real cluster topology started for this file.
import t from 'tap';
import { topology } from '../helpers/topology.js';
import { runStoreContract } from '../helpers/store-contract.js';
import { runLocalCopyContract } from '../helpers/local-copy-contract.js';

const top = await topology('cluster');
t.teardown(() => top.stop());
await runStoreContract(t, top);
await runLocalCopyContract(t, top);
