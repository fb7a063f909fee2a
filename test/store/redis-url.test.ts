// REDIS_URL forms (README "Scaling"): one server, Sentinel and Cluster, with TLS variants; bad values
// stop the gateway at start and the CLI with one line, both naming the variable.
import t from 'tap';
import { parseRedisUrl, maskRedisUrl } from '../../src/store/redis-url.js';
import { loadConfig } from '../../src/config/config.js';
import { hashTag, keySlot } from '../../src/store/key-slot.js';
import { keys } from '../../src/store/keys.js';
import { runCli } from '../helpers/cli.js';

t.test('the three forms', async (t) => {
  t.same(parseRedisUrl('redis://127.0.0.1:6380/2'), { topology: 'standalone', tls: false, nodes: [{ host: '127.0.0.1', port: 6380 }], db: 2 });
  t.same(parseRedisUrl('rediss://:s3cret@redis.example.jp'), { topology: 'standalone', tls: true, nodes: [{ host: 'redis.example.jp', port: 6379 }], password: 's3cret' });
  t.same(parseRedisUrl('redis+sentinel://app:p%40ss@10.0.0.1:26379,10.0.0.2,[::1]:26380/mymaster'), {
    topology: 'sentinel',
    tls: false,
    nodes: [
      { host: '10.0.0.1', port: 26379 },
      { host: '10.0.0.2', port: 26379 },
      { host: '::1', port: 26380 },
    ],
    masterName: 'mymaster',
    username: 'app',
    password: 'p@ss',
  });
  t.match(parseRedisUrl('rediss+sentinel://h1:26379/m'), { topology: 'sentinel', tls: true, masterName: 'm' });
  t.same(parseRedisUrl('redis+cluster://h1:7000,h2:7001'), { topology: 'cluster', tls: false, nodes: [{ host: 'h1', port: 7000 }, { host: 'h2', port: 7001 }] });
  t.match(parseRedisUrl('rediss+cluster://u:p@h1:7000/'), { topology: 'cluster', tls: true, username: 'u', password: 'p' });
});

t.test('bad values name REDIS_URL and the forms', async (t) => {
  for (const [url, why] of [
    ['http://h:6379', /must start with redis:\/\/ or rediss:\/\/ \(one server\), redis\+sentinel:\/\/ or redis\+cluster:\/\//],
    ['redis+sentinel://h1:26379', /needs the master name/],
    ['redis+cluster://h1:7000/3', /must not have a path/],
    ['redis://h1:6379,h2:6379', /lists several hosts/],
    ['redis+cluster://h1:99999', /bad host:port/],
    ['redis+cluster://', /names no host/],
  ] as const) {
    t.throws(() => parseRedisUrl(url), { message: why }, url);
    t.throws(() => loadConfig({ REDIS_URL: url, CERTGATE_SECRET: 'x'.repeat(32) }), { message: /REDIS_URL .*redis\+sentinel:\/\/.*redis\+cluster:\/\// }, `config: ${url}`);
  }
  t.equal(loadConfig({ REDIS_URL: 'redis+cluster://127.0.0.1:7000', CERTGATE_SECRET: 'x'.repeat(32) }).redisUrl, 'redis+cluster://127.0.0.1:7000');
  const cli = await runCli(['serial', 'list'], { REDIS_URL: 'redis+sentinel://h1:26379', PATH: process.env.PATH });
  t.equal(cli.code, 1, 'a configuration problem, as for every bad variable');
  t.match(cli.err, /^certgate: REDIS_URL needs the master name/);
  t.equal(cli.err.trim().split('\n').length, 1, 'one line');
  t.equal(maskRedisUrl('redis+sentinel://app:secret@h1:26379/m'), 'redis+sentinel://app:***@h1:26379/m', 'passwords are masked');
  t.notMatch(cli.err, /secret/);
});

t.test('hash slots as Redis computes them', async (t) => {
  // Reference values from CLUSTER KEYSLOT (the Cluster contract suite checks live keys as well).
  t.equal(keySlot('foo'), 12182);
  t.equal(keySlot('{user1000}.following'), keySlot('{user1000}.followers'));
  t.equal(keySlot('foo{}{bar}'), keySlot('foo{}{bar}'), 'an empty tag hashes the whole key');
  t.equal(hashTag('foo{}{bar}'), 'foo{}{bar}');
  t.equal(hashTag(keys.registration('ab', '0A')), 'c:ab:0A', 'a certificate\'s keys share its tag');
});
