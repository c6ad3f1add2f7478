import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type OutboundAllowEntry } from '../src/config/config.js';
import { deliverWebhook, webhookSecretFor } from '../src/notify/index.js';
import { OutboundRefused, RULE_DESCRIPTIONS, checkOutboundUrl, createOutboundClient, type OutboundRule, type Resolver } from '../src/outbound/index.js';
import { s3Bucket, s3Driver } from '../src/drains/destinations/s3.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { startReceiver as startDrainReceiver, type Receiver } from './helpers/receiver.js';
import { startS3Peer, type S3Peer } from './helpers/s3-peer.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * Every request these tests send goes to 127.0.0.1. Refusals are asserted without connecting: a
 * loopback receiver counts connections (it must see none), other targets are sent with an already
 * aborted signal (a broken guard would fail on the abort, never reach the network), and names are
 * resolved by stub resolvers (never real DNS).
 */

/** A receiver on 127.0.0.1 that counts connections and requests. */
async function startReceiver() {
  const requests: IncomingMessage[] = [];
  let connections = 0;
  const bodies: string[] = [];
  /** Where `/to?n` redirects (307), for the redirect tests. */
  const redirectTo: string[] = [];
  const server: Server = createServer(async (req, res) => {
    requests.push(req);
    let body = '';
    for await (const chunk of req) body += chunk;
    bodies.push(body);
    const url = new URL(req.url!, 'http://x');
    if (url.pathname === '/redirect') return void res.writeHead(302, { location: `http://127.0.0.1:${port}/final` }).end();
    if (url.pathname === '/307') return void res.writeHead(307, { location: '/echo' }).end();
    if (url.pathname === '/308') return void res.writeHead(308, { location: `http://127.0.0.1:${port}/307` }).end();
    if (url.pathname === '/to') return void res.writeHead(307, { location: redirectTo[Number(url.search.slice(1))] }).end();
    if (url.pathname === '/loop') return void res.writeHead(307, { location: `/loop?n=${Number(url.searchParams.get("n") ?? 0) + 1}` }).end();
    if (url.pathname === '/echo') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.method} ${body} ${req.headers.authorization ?? '-'} ${req.headers['x-token'] ?? '-'}`);
    if (req.url === '/hang') return; // never answers
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 120);
      for (let i = 0; i < 32; i++) res.write(chunk);
      return void res.end();
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello ${req.headers.host}`);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    requests,
    bodies,
    redirectTo,
    connections: () => connections,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

const LOOPBACK_ONLY: OutboundAllowEntry[] = [{ kind: 'subnet', address: '127.0.0.1', prefix: 32, family: 'ipv4' }];
const aborted = () => AbortSignal.abort(new Error('a refused target was about to be contacted'));
const noDns: Resolver = async (host) => {
  throw new Error(`real DNS asked for ${host}`);
};

/** The rule a URL is refused by at request time, or 'allowed'. */
function ruleOf(url: string, allow: readonly OutboundAllowEntry[] = []): string {
  try {
    checkOutboundUrl(url, allow);
    return 'allowed';
  } catch (err) {
    if (err instanceof OutboundRefused) return err.rule;
    throw err;
  }
}

/** Refused spellings of a target (P = the loopback receiver's port). Their count goes into the README. */
const REFUSED: readonly [string, string][] = [
  ['https://127.0.0.1:P/', 'loopback'],
  ['https://localhost:P/', 'loopback'],
  ['https://LOCALHOST.:P/', 'loopback'],
  ['https://app.localhost:P/', 'loopback'],
  ['https://[::1]:P/', 'loopback'],
  ['https://2130706433:P/', 'loopback'],
  ['https://0x7f000001:P/', 'loopback'],
  ['https://0x7f.0.0.1:P/', 'loopback'],
  ['https://127.1:P/', 'loopback'],
  ['https://0177.0.0.1:P/', 'loopback'],
  ['https://017700000001:P/', 'loopback'],
  ['https://127.0.0.1.:P/', 'loopback'],
  ['https://%31%32%37.0.0.1:P/', 'loopback'],
  ['https://127。0。0。1:P/', 'loopback'],
  ['https://127.255.255.254/', 'loopback'],
  ['https://0.0.0.0:P/', 'this-network'],
  ['https://0:P/', 'this-network'],
  ['https://[::]:P/', 'this-network'],
  ['https://169.254.169.254/latest/meta-data/', 'metadata'],
  ['https://[fd00:ec2::254]/latest/meta-data/', 'metadata'],
  ['https://metadata.google.internal/computeMetadata/v1/', 'metadata'],
  ['https://metadata/', 'metadata'],
  ['https://169.254.170.2/v2/credentials', 'metadata'],
  ['https://100.100.100.200/latest/meta-data/', 'metadata'],
  ['https://0xa9fea9fe/', 'metadata'],
  ['https://10.0.0.1/', 'private'],
  ['https://10.255.255.255/', 'private'],
  ['https://012.1.2.3/', 'private'],
  ['https://172.16.0.1/', 'private'],
  ['https://172.31.255.254/', 'private'],
  ['https://192.168.1.1/', 'private'],
  ['https://3232235777/', 'private'],
  ['https://100.64.0.1/', 'cgnat'],
  ['https://100.127.255.254/', 'cgnat'],
  ['https://169.254.1.1/', 'link-local'],
  ['https://[fe80::1]/', 'link-local'],
  ['https://[fc00::1]/', 'unique-local'],
  ['https://[fd12:3456::1]/', 'unique-local'],
  ['https://224.0.0.1/', 'multicast'],
  ['https://[ff02::1]/', 'multicast'],
  ['https://240.0.0.1/', 'reserved'],
  ['https://255.255.255.255/', 'reserved'],
  ['https://192.0.2.10/', 'reserved'],
  ['https://[::ffff:127.0.0.1]:P/', 'ipv4-mapped'],
  ['https://[::ffff:7f00:1]:P/', 'ipv4-mapped'],
  ['https://[0:0:0:0:0:ffff:127.0.0.1]:P/', 'ipv4-mapped'],
  ['https://[::ffff:169.254.169.254]/', 'ipv4-mapped'],
  ['https://[::127.0.0.1]:P/', 'ipv4-mapped'],
  ['https://[64:ff9b::127.0.0.1]/', 'ipv4-mapped'],
  ['https://[2002:7f00:1::]/', 'ipv4-mapped'],
  ['http://127.0.0.1:P/', 'https-required'],
  ['http://example.com/', 'https-required'],
  ['ftp://example.com/', 'scheme'],
  ['file:///etc/passwd', 'scheme'],
  ['gopher://127.0.0.1:P/', 'scheme'],
  ['https://user@example.com/', 'userinfo'],
  ['https://user:secret@example.com/', 'userinfo'],
  ['https://example.com@127.0.0.1:P/', 'userinfo'],
  ['https://db/', 'internal-name'],
  ['https://printer.local/', 'internal-name'],
  ['https://billing.internal/', 'internal-name'],
  ['not a url', 'invalid-url'],
  ['https://', 'invalid-url'],
];

/** Names a stub resolver answers with addresses that must be refused after resolution. */
const RESOLVED: Record<string, { addresses: string[]; rule: string }> = {
  'rebind.example.com': { addresses: ['127.0.0.1'], rule: 'loopback' },
  'mixed.example.com': { addresses: ['93.184.216.34', '10.1.2.3'], rule: 'private' },
  'six.example.com': { addresses: ['::1'], rule: 'loopback' },
  'mapped.example.com': { addresses: ['::ffff:169.254.169.254'], rule: 'ipv4-mapped' },
  'meta.example.com': { addresses: ['169.254.169.254'], rule: 'metadata' },
  'ula.example.com': { addresses: ['fd00::5'], rule: 'unique-local' },
};
const stubResolver: Resolver = async (host) => {
  const known = RESOLVED[host];
  if (!known) throw new Error(`stub resolver does not know ${host}`);
  return known.addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('outbound guard', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const at = (url: string) => url.replace(':P/', `:${receiver.port}/`);
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => receiver?.close());

  it(`refuses ${REFUSED.length} spellings of internal targets at request time, naming the rule`, () => {
    const got = REFUSED.map(([url]) => [url, ruleOf(at(url))]);
    expect(got).toEqual(REFUSED);
  });

  it('refuses the same spellings when sending, before connecting', async () => {
    const client = createOutboundClient({ allowlist: [], resolve: noDns });
    for (const [url, rule] of REFUSED) {
      const loopback = url.includes(':P/');
      const err = await client.send(at(url), { signal: loopback ? undefined : aborted() }).catch((e: unknown) => e);
      expect(err, url).toBeInstanceOf(OutboundRefused);
      expect((err as OutboundRefused).rule, url).toBe(rule);
    }
    expect(receiver.connections()).toBe(0);
  });

  it(`refuses names whose addresses are internal (${Object.keys(RESOLVED).length} stub-resolved names)`, async () => {
    const client = createOutboundClient({ allowlist: [], resolve: stubResolver });
    for (const [host, { rule }] of Object.entries(RESOLVED)) {
      expect(ruleOf(`https://${host}/hook`), host).toBe('allowed'); // nothing to see before resolving
      const err = await client.send(`https://${host}/hook`, { signal: aborted() }).catch((e: unknown) => e);
      expect(err, host).toBeInstanceOf(OutboundRefused);
      expect((err as OutboundRefused).rule, host).toBe(rule);
    }
  });

  it('lets listed hosts and ranges through over http, and nothing else', async () => {
    const url = `http://127.0.0.1:${receiver.port}/ok`;
    for (const allowlist of ['127.0.0.1', '127.0.0.0/8', '127.1', '10.0.0.0/8, 127.0.0.1/32']) {
      const config = loadConfig({ SLUICE_DATA_DIR: '/tmp/sluice-outbound-test', SLUICE_SECRET: 'x'.repeat(32), SLUICE_OUTBOUND_ALLOWLIST: allowlist });
      const res = await createOutboundClient({ allowlist: config.outboundAllowlist, resolve: noDns }).send(url);
      expect(res.status, allowlist).toBe(200);
      expect(await res.text()).toBe(`hello 127.0.0.1:${receiver.port}`);
    }
    const elsewhere: OutboundAllowEntry[] = [{ kind: 'subnet', address: '10.0.0.0', prefix: 8, family: 'ipv4' }];
    expect(ruleOf(url, elsewhere)).toBe('https-required');
    expect(ruleOf(`https://127.0.0.1:${receiver.port}/`, elsewhere)).toBe('loopback');
    // Credentials in the URL stay refused even for a listed host.
    expect(ruleOf(`http://user:pw@127.0.0.1:${receiver.port}/`, LOOPBACK_ONLY)).toBe('userinfo');
  });

  it('connects to the address it checked: one lookup, pinned (no DNS rebinding)', async () => {
    let lookups = 0;
    const rebinding: Resolver = async () => {
      // A second answer would be the rebinding one; a client that asked again fails here.
      if (lookups++ > 0) throw new Error('asked DNS a second time');
      return [{ address: '127.0.0.1', family: 4 }];
    };
    const client = createOutboundClient({ allowlist: [{ kind: 'host', host: 'hooks.test' }], resolve: rebinding });
    const res = await client.send(`http://hooks.test:${receiver.port}/pinned`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(`hello hooks.test:${receiver.port}`);
    expect(lookups).toBe(1);
  });

  it('follows 307 and 308 to a checked target, keeping the method and body', async () => {
    const before = receiver.requests.length;
    const client = createOutboundClient({ allowlist: LOOPBACK_ONLY, resolve: noDns });
    const res = await client.send(`http://127.0.0.1:${receiver.port}/308`, { method: 'POST', body: '{"n":1}', headers: { 'content-type': 'application/json', authorization: 'Bearer same-origin', 'x-token': 't' } });
    expect(res.status).toBe(200);
    // Same origin all the way: the credentials travel on; method and body are kept.
    expect(await res.text()).toBe('POST {"n":1} Bearer same-origin t');
    expect(receiver.requests.slice(before).map((r) => `${r.method} ${r.url}`)).toEqual(['POST /308', 'POST /307', 'POST /echo']);
  });

  it('refuses a 307 whose target breaks a rule, without connecting to it', async () => {
    const other = await startReceiver();
    try {
      const client = createOutboundClient({ allowlist: LOOPBACK_ONLY, resolve: noDns });
      const targets: [string, string][] = [
        ['https://169.254.169.254/latest/meta-data/', 'metadata'],
        [`https://localhost:${other.port}/echo`, 'loopback'],
        [`https://[::ffff:a9fe:a9fe]:${other.port}/echo`, 'ipv4-mapped'],
        [`https://[::1]:${other.port}/echo`, 'loopback'],
        [`http://localhost:${other.port}/echo`, 'https-required'],
        [`http://user:pw@127.0.0.1:${other.port}/echo`, 'userinfo'],
        ['file:///etc/passwd', 'scheme'],
      ];
      for (const [target, rule] of targets) {
        receiver.redirectTo.push(target);
        const err = await client.send(`http://127.0.0.1:${receiver.port}/to?${receiver.redirectTo.length - 1}`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
        expect(err, target).toBeInstanceOf(OutboundRefused);
        expect((err as OutboundRefused).rule, target).toBe(rule);
        expect((err as OutboundRefused).field, target).toBe('redirect');
      }
      expect(other.connections()).toBe(0);
      // A name the redirect names is resolved and checked like the first URL's.
      const named = createOutboundClient({ allowlist: LOOPBACK_ONLY, resolve: stubResolver });
      receiver.redirectTo.push('https://meta.example.com/hook');
      const err = await named.send(`http://127.0.0.1:${receiver.port}/to?${receiver.redirectTo.length - 1}`).catch((e: unknown) => e);
      expect((err as OutboundRefused).rule).toBe('metadata');
      expect((err as Error).message).toMatch(/^redirect \(meta\.example\.com resolves to 169\.254\.169\.254\) points at a cloud metadata service/);
    } finally {
      await other.close();
    }
  });

  it('fails on any other 3xx and on a 4th redirect, naming why', async () => {
    const client = createOutboundClient({ allowlist: LOOPBACK_ONLY, resolve: noDns });
    const before = receiver.requests.length;
    const found = await client.send(`http://127.0.0.1:${receiver.port}/redirect`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(found).toBeInstanceOf(OutboundRefused);
    expect((found as OutboundRefused).rule).toBe('redirect');
    expect((found as Error).message).toBe(`url (HTTP 302 from http://127.0.0.1:${receiver.port}/redirect) answered with a redirect Sluice does not follow (only 307 and 308 are followed, at most 3 in a row)`);
    expect(receiver.requests.slice(before).map((r) => r.url)).toEqual(['/redirect']);
    const loop = await client.send(`http://127.0.0.1:${receiver.port}/loop`).catch((e: unknown) => e);
    expect((loop as OutboundRefused).rule).toBe('redirect');
    expect((loop as Error).message).toMatch(/^url \(HTTP 307 from http:\/\/127\.0\.0\.1:\d+\/loop, redirect 4\) answered with a redirect/);
    expect(receiver.requests.slice(before + 1).map((r) => r.url)).toEqual(["/loop", "/loop?n=1", "/loop?n=2", "/loop?n=3"]);
  });

  it('drops Authorization and cookies when a redirect leaves the origin', async () => {
    const other = await startReceiver();
    try {
      receiver.redirectTo.push(`http://127.0.0.1:${other.port}/echo`);
      const client = createOutboundClient({ allowlist: LOOPBACK_ONLY, resolve: noDns });
      const res = await client.send(`http://127.0.0.1:${receiver.port}/to?${receiver.redirectTo.length - 1}`, { method: 'POST', body: 'b', headers: { Authorization: 'Bearer x', 'x-token': 't' } });
      expect(await res.text()).toBe('POST b - t');
    } finally {
      await other.close();
    }
  });

  it('a webhook redirected with 302 fails once with the reason, and is not retried', async () => {
    const client = createOutboundClient({ allowlist: LOOPBACK_ONLY });
    const outcome = await deliverWebhook(`http://127.0.0.1:${receiver.port}/redirect`, {}, { send: client.send, secret: webhookSecretFor('s'.repeat(32), 'org_1'), baseDelayMs: 5 });
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: expect.stringContaining('HTTP 302') });
  });

  it('gives up at its deadline and bounds what it reads', async () => {
    const started = Date.now();
    const slow = await createOutboundClient({ allowlist: LOOPBACK_ONLY, timeoutMs: 200 }).send(`http://127.0.0.1:${receiver.port}/hang`).catch((e: Error) => e);
    expect((slow as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(5000);
    const big = await createOutboundClient({ allowlist: LOOPBACK_ONLY, maxResponseBytes: 100_000 }).send(`http://127.0.0.1:${receiver.port}/big`);
    expect(big.status).toBe(200);
    await expect(big.text()).rejects.toThrow(/over 100000 bytes/);
  });

  it('webhook delivery refuses an internal target once, without retrying or connecting', async () => {
    const client = createOutboundClient({ allowlist: [] });
    const before = receiver.connections();
    const outcome = await deliverWebhook(`https://[::ffff:127.0.0.1]:${receiver.port}/hook`, {}, { send: client.send, secret: webhookSecretFor('s'.repeat(32), 'org_1'), baseDelayMs: 5 });
    expect(outcome).toMatchObject({ ok: false, attempts: 1, error: expect.stringContaining('embeds an IPv4 address') });
    expect(receiver.connections()).toBe(before);
  });
});

/** A TCP listener on 127.0.0.1 that records the first bytes of every connection (a TLS ClientHello names its host). */
async function startTcpListener() {
  const hellos: Buffer[] = [];
  const server = createTcpServer((socket) => {
    socket.once('data', (d) => {
      hellos.push(d);
      socket.destroy();
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, hellos, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('S3 destinations connect only through the guard', () => {
  let s3: S3Peer;
  let tcp: Awaited<ReturnType<typeof startTcpListener>>;
  beforeAll(async () => {
    s3 = await startS3Peer('guarded');
    tcp = await startTcpListener();
  });
  afterAll(async () => {
    await s3?.close();
    await tcp?.close();
  });
  const dest = (endpoint: string, bucket = s3.bucket) => ({ type: 's3' as const, bucket, prefix: 'p', endpoint, region: 'us-east-1', format: 'jsonl' as const, compression: 'none' as const });
  const secrets = () => ({ access_key_id: s3.credentials.accessKeyId, secret_access_key: s3.credentials.secretAccessKey });
  const body = () => Readable.from([Buffer.from('{"a":1}\n')]);
  /** A stub resolver that counts its lookups and answers `answers[i]` to the i-th (the last one ever after). */
  const counting = (host: string, ...answers: string[]) => {
    const asked: string[] = [];
    const resolve: Resolver = async (name) => {
      if (name !== host) throw new Error(`stub resolver does not know ${name}`);
      const address = answers[Math.min(asked.length, answers.length - 1)];
      asked.push(address);
      return [{ address, family: address.includes(':') ? 6 : 4 }];
    };
    return { resolve, asked };
  };

  it('connects to the address it checked: the SDK resolves through the stub (a name no real DNS knows) and is pinned to its answer', async () => {
    const { resolve, asked } = counting('bucket.test', '127.0.0.1');
    const outbound = createOutboundClient({ allowlist: [{ kind: 'host', host: 'bucket.test' }], resolve });
    const bucket = await s3Bucket(dest(`http://bucket.test:${new URL(s3.endpoint).port}`), secrets(), outbound);
    const info = await bucket.put('guarded/one.jsonl', body(), { contentType: 'application/x-ndjson' });
    await bucket.close?.();
    expect(info.bytes).toBe(8);
    expect(await s3.read('guarded/one.jsonl')).toEqual(Buffer.from('{"a":1}\n'));
    // One lookup per connection the SDK opened (keep-alive reuses them), every one through the guard.
    expect(asked.length).toBeGreaterThanOrEqual(1);
  });

  it('checks every address of an unlisted name at each connection: a listed address connects, a rebinding answer is refused before connecting', async () => {
    const { resolve, asked } = counting('bucket.test', '127.0.0.1', '10.0.0.7');
    const outbound = createOutboundClient({ allowlist: LOOPBACK_ONLY, resolve });
    const bucket = await s3Bucket(dest(`https://bucket.test:${tcp.port}`), secrets(), outbound);
    const err = await bucket.put('x/y.jsonl', body(), { contentType: 'application/x-ndjson' }).catch((e: unknown) => e);
    await bucket.close?.();
    // The first connection went to the checked 127.0.0.1 (a TLS hello naming bucket.test), which is no S3
    // server; the SDK's retry opened a second connection, whose answer (10.0.0.7) the guard refused.
    expect(tcp.hellos).toHaveLength(1);
    expect(tcp.hellos[0][0]).toBe(0x16);
    expect(tcp.hellos[0].includes(Buffer.from('bucket.test'))).toBe(true);
    expect(asked).toEqual(['127.0.0.1', '10.0.0.7']);
    expect(err).toBeInstanceOf(OutboundRefused);
    expect((err as OutboundRefused).rule).toBe('private');
    expect((err as Error).message).toMatch(/^destination\.endpoint \(bucket\.test resolves to 10\.0\.0\.7\) points at a private network address/);
  });

  it('refuses internal endpoints when the bucket is opened or the name resolved, without connecting; a drain delivery says which rule', async () => {
    const port = tcp.port;
    const before = tcp.hellos.length;
    const cases: [string, string][] = [
      [`http://127.0.0.1:${port}`, 'https-required'],
      [`https://127.0.0.1:${port}`, 'loopback'],
      [`https://2130706433:${port}`, 'loopback'],
      ['https://169.254.169.254', 'metadata'],
      ['https://metadata.google.internal', 'metadata'],
      [`https://[::ffff:127.0.0.1]:${port}`, 'ipv4-mapped'],
      [`https://rebind.example.com:${port}`, 'loopback'],
      ['https://meta.example.com', 'metadata'],
    ];
    const outbound = createOutboundClient({ allowlist: [], resolve: stubResolver });
    for (const [endpoint, rule] of cases) {
      const driver = s3Driver(dest(endpoint), secrets(), outbound);
      const batch = { kind: 'delivery' as const, drainId: 'drn_1', drainName: 'd', dataType: 'workflow_runs', from: 1, to: 1, rows: [], fields: [], timezone: 'UTC', fixedAt: Date.now() * 1000 };
      const result = await driver.deliver(batch, new AbortController().signal);
      await driver.close?.();
      expect(result, endpoint).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining(`The destination was refused: destination.endpoint`) });
      expect(result.error, endpoint).toContain(RULE_DESCRIPTIONS[rule as OutboundRule]);
    }
    expect(tcp.hellos.length).toBe(before);
  });
});

describe('SLUICE_OUTBOUND_ALLOWLIST', () => {
  const load = (value: string) => loadConfig({ SLUICE_DATA_DIR: '/tmp/sluice-outbound-test', SLUICE_SECRET: 'x'.repeat(32), SLUICE_OUTBOUND_ALLOWLIST: value });

  it('parses hosts, addresses and ranges, normalizing IPv4 spellings', () => {
    expect(load(' hooks.internal , 127.1, [::1], 10.0.0.0/8,fd00::/8 ').outboundAllowlist).toEqual([
      { kind: 'host', host: 'hooks.internal' },
      { kind: 'subnet', address: '127.0.0.1', prefix: 32, family: 'ipv4' },
      { kind: 'subnet', address: '::1', prefix: 128, family: 'ipv6' },
      { kind: 'subnet', address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { kind: 'subnet', address: 'fd00::', prefix: 8, family: 'ipv6' },
    ]);
    expect(load('').outboundAllowlist).toEqual([]);
  });

  it('refuses to start on bad entries, one line per problem', () => {
    const err = (() => {
      try {
        load('ok.example, a b, 10.0.0.0/33, 999.1.1.1, http://x/y, 10/8');
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.problems).toHaveLength(5);
    expect(err.problems.join('\n')).toMatch(/'a b' is not a host name/);
    expect(err.problems.join('\n')).toMatch(/'10\.0\.0\.0\/33': the prefix length must be 0–32/);
    expect(err.problems.join('\n')).toMatch(/'999\.1\.1\.1' is not a host name/);
    expect(err.problems.join('\n')).toMatch(/'http:\/\/x\/y' is not a CIDR range/);
    expect(err.problems.join('\n')).toMatch(/'10\/8' is not a CIDR range/);
    for (const line of err.problems) expect(line).toMatch(/^SLUICE_OUTBOUND_ALLOWLIST: /);
  });
});

for (const dialect of DIALECTS) {
  describe(`webhook_url at request time (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, {}, { worker: false });
    });
    afterAll(async () => t?.close());

    it('answers 422 naming the field and the rule, and queues nothing', async () => {
      const cases: [string, string][] = [
        ['http://127.0.0.1:9/hook', 'https-required'],
        ['https://127.0.0.1/hook', 'loopback'],
        ['https://2130706433/hook', 'loopback'],
        ['https://169.254.169.254/latest/meta-data/', 'metadata'],
        ['https://[fd00:ec2::254]/', 'metadata'],
        ['https://metadata.google.internal/', 'metadata'],
        ['https://[::ffff:127.0.0.1]/', 'ipv4-mapped'],
        ['https://10.1.2.3:5432/', 'private'],
        ['https://user@hooks.example.com/', 'userinfo'],
      ];
      for (const [webhook_url, rule] of cases) {
        const res = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key), payload: { dataset: 'workflow_runs', webhook_url } });
        expect(res.statusCode, webhook_url).toBe(422);
        expect(res.json(), webhook_url).toMatchObject({ error: 'unprocessable', field: 'webhook_url', rule, message: expect.stringMatching(/^webhook_url /) });
      }
      const queued = await t.store.db.selectFrom('exports').select('id').execute();
      expect(queued).toHaveLength(0);
      const ok = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key), payload: { dataset: 'workflow_runs', webhook_url: 'https://hooks.example.com/sluice' } });
      expect(ok.statusCode).toBe(202);
    });
  });

  describe(`drain and schedule destinations at request time (${dialect})`, () => {
    let open: TestApp;
    let listed: TestApp;
    let rx: Receiver;
    beforeAll(async () => {
      rx = await startDrainReceiver();
      open = await createTestApp(dialect, {}, { worker: false });
      listed = await createTestApp(dialect, { SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1' }, { worker: false });
    });
    afterAll(async () => {
      await open?.close();
      await listed?.close();
      await rx?.close();
    });
    const s3 = (endpoint: string) => ({ type: 's3', bucket: 'b', endpoint, region: 'us-east-1', access_key_id: 'AKIA', secret_access_key: 'x', format: 'jsonl' });
    const drain = (t: TestApp, destination: object) =>
      t.app.inject({ method: 'POST', url: '/v1/drains', headers: bearer(t.orgA.admin.key), payload: { name: 'd', dataset: 'workflow_runs', destination, start: 'all' } });
    const schedule = (t: TestApp, destination: object) =>
      t.app.inject({ method: 'POST', url: '/v1/schedules', headers: bearer(t.orgA.admin.key), payload: { name: 's', every: 'day', export: { dataset: 'workflow_runs' }, destination } });

    it('refuses internal URLs and endpoints with 422 naming the field and the rule, storing nothing', async () => {
      const port = new URL(rx.url).port;
      const refused: [string, string][] = [
        [rx.url, 'https-required'],
        [`https://127.0.0.1:${port}/hook`, 'loopback'],
        [`https://localhost:${port}/hook`, 'loopback'],
        [`https://0x7f000001:${port}/hook`, 'loopback'],
        [`https://[::1]:${port}/hook`, 'loopback'],
        ['https://169.254.169.254/latest/meta-data/', 'metadata'],
        ['https://[fd00:ec2::254]/', 'metadata'],
        ['https://metadata.google.internal/', 'metadata'],
        ['https://10.0.0.5:9000/', 'private'],
        ['https://[::ffff:192.168.0.1]/', 'ipv4-mapped'],
      ];
      let answers = 0;
      for (const [url, rule] of refused) {
        for (const [what, send, destination, field] of [
          ['drain', drain, { type: 'http', url }, 'destination.url'],
          ['drain', drain, s3(url), 'destination.endpoint'],
          ['schedule', schedule, { type: 'http', url }, 'destination.url'],
          ['schedule', schedule, s3(url), 'destination.endpoint'],
        ] as const) {
          const res = await send(open, destination);
          answers++;
          expect(res.statusCode, `${what} ${url}`).toBe(422);
          expect(res.json(), `${what} ${url}`).toMatchObject({ error: 'unprocessable', field, rule, message: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')} `)) });
        }
      }
      expect(answers).toBe(refused.length * 4);
      expect(await open.store.db.selectFrom('drains').select('id').execute()).toHaveLength(0);
      expect(await open.store.db.selectFrom('schedules').select('id').execute()).toHaveLength(0);
    });

    it('lets an allowlisted receiver through (SLUICE_OUTBOUND_ALLOWLIST=127.0.0.1), and still refuses what the list does not name', async () => {
      expect((await drain(listed, { type: 'http', url: rx.url })).statusCode).toBe(201);
      expect((await schedule(listed, { type: 'http', url: rx.url })).statusCode).toBe(201);
      // 127.0.0.1 spelled as a number is the listed address; localhost is a name the list does not hold.
      const port = new URL(rx.url).port;
      expect((await drain(listed, { type: 'http', url: `http://2130706433:${port}/hook` })).statusCode).toBe(201);
      const other = await drain(listed, { type: 'http', url: `http://localhost:${port}/hook` });
      expect(other.json()).toMatchObject({ field: 'destination.url', rule: 'https-required' });
      const meta = await schedule(listed, s3('https://169.254.169.254'));
      expect(meta.json()).toMatchObject({ field: 'destination.endpoint', rule: 'metadata' });
    });
  });
}
