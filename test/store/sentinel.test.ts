// The store contract (test/store/contract.ts) against a real sentinel topology started for this file.
import t from 'tap';
import { topology } from '../helpers/topology.js';
import { runStoreContract } from './contract.js';

const top = await topology('sentinel');
t.teardown(() => top.stop());
await runStoreContract(t, top);
