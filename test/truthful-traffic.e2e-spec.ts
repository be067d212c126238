// The public figures move only through a verified identity or an operator's action: what a client writes in a query
// string or a header makes no user, no visitor and no run traffic; an open run's secret key tags exactly its requests;
// wallets first seen in a run's sign-ins are load-run users, shown apart.
import { HDNodeWallet, Wallet } from 'ethers';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { RequestLogger } from '../src/traffic/request-logger';
import { RequestLogWriter } from '../src/traffic/request-log.writer';
import { ToolIo } from '../tools/lib/cli';
import { runLoad } from '../tools/lib/engine';
import { bootTestApp, TestApp } from './support/app';
import { getChainId, siweMessage, signIn } from './support/siwe';

interface Stats {
  traffic: { requestsAllTime: number; requestsFromLoadRunsAllTime: number; requestsFromLoadRuns24h: number; visitorsAllTime: number; visitorsLast24h: number };
  users: { allTime: number; last24h: number; fromLoadRuns: { allTime: number; last24h: number } };
  generatedAt: string;
}

describe('truthful traffic figures', () => {
  let t: TestApp;
  let target: string;

  beforeAll(async () => {
    t = await bootTestApp({ listen: true, env: { RATE_LIMIT_PER_MIN: '0' } });
    target = t.baseUrl;
  });
  afterAll(() => t?.close());

  /** Every finished request's row is enqueued (run-key lookups included) and written. */
  async function settle(): Promise<void> {
    const logger = t.app.get(RequestLogger);
    while (logger.inFlight > 0) await sleep(5);
    await expect(t.app.get(RequestLogWriter).flush()).resolves.toBe(true);
  }

  /** devnet-stats computed after `since` (the endpoint caches for up to 2 s). */
  async function statsAfter(since: number): Promise<Stats> {
    for (;;) {
      const res = await request(target).get('/api/telemetry/devnet-stats').expect(200);
      const stats = res.body.data as Stats;
      if (Date.parse(stats.generatedAt) > since) return stats;
      await sleep(100);
    }
  }

  async function rowsWhere(where: string, params: unknown[] = []): Promise<{ run_id: string | null; user_hash: string | null; correlation_id: string }[]> {
    return t.dataSource.query(`SELECT "run_id", "user_hash", "correlation_id" FROM "request_log" WHERE ${where}`, params);
  }

  async function rejectedCount(): Promise<number> {
    const health = await request(target).get('/health').expect(200);
    const metrics = await request(target).get('/metrics').expect(200);
    const fromMetrics = Number(/^bloom_request_log_run_id_rejected_total (\d+)$/m.exec(metrics.text)?.[1]);
    expect(fromMetrics).toBe(health.body.requestLog.runIdsRejected);
    return fromMetrics;
  }

  async function openRun(runId: string): Promise<string> {
    const res = await request(target).post('/api/telemetry/runs').send({ runId, kind: 'devnet-load' }).expect(201);
    return (res.body.data as { runKey: string }).runKey;
  }

  const finishRun = (runId: string) =>
    request(target).post(`/api/telemetry/runs/${runId}/finish`).send({ requests: 0, okPct: 100, p50Ms: 0, p95Ms: 0, p99Ms: 0, http5xx: 0 }).expect(200);

  /** A sign-in whose two requests carry `headers` (e.g. a run's key). */
  async function signInWith(wallet: Wallet | HDNodeWallet, headers: Record<string, string>): Promise<void> {
    const nonce = (await request(target).get('/api/session/nonce').set(headers).expect(200)).body.data.nonce as string;
    const message = siweMessage({ domain: new URL(target).host, address: wallet.address, chainId: await getChainId(target), nonce });
    await request(target).post('/api/session').set(headers).send({ message, signature: await wallet.signMessage(message) }).expect(201);
  }

  describe('identity: a forged ?address= makes no user, no visitor, and touches no user', () => {
    it('on /health, on 404s and on positions lookups', async () => {
      const organic = await signIn(target);
      await request(target).get('/api/session/status').set('x-session-id', organic.sessionId).expect(200);
      await settle();
      const [user] = (await t.dataSource.query(`SELECT "address_hash", "last_seen_at" FROM "users"`)) as { address_hash: string; last_seen_at: string }[];
      const before = await statsAfter(Date.now());

      const forged = [organic.address, ...Array.from({ length: 20 }, () => Wallet.createRandom().address)];
      const correlationIds: string[] = [];
      for (const [i, address] of forged.entries()) {
        const id = `forged-${i}`;
        correlationIds.push(`${id}-a`, `${id}-b`, `${id}-c`);
        await request(target).get('/health').query({ address }).set('x-correlation-id', `${id}-a`).expect(200);
        await request(target).get(`/no/such/page`).query({ address }).set('x-correlation-id', `${id}-b`).expect(404);
        // No RPC here: 503, and with one the lookup reads a subject; either way it is nobody's visit.
        await request(target).get('/api/defi/aave/positions').query({ address }).set('x-correlation-id', `${id}-c`).expect(503);
      }
      await settle();

      const rows = await rowsWhere(`"correlation_id" LIKE 'forged-%'`);
      expect(rows).toHaveLength(correlationIds.length);
      expect(rows.every((r) => r.user_hash === null)).toBe(true);
      const [after] = (await t.dataSource.query(`SELECT "address_hash", "last_seen_at" FROM "users"`)) as { address_hash: string; last_seen_at: string }[];
      expect(after).toEqual(user);
      const stats = await statsAfter(Date.now());
      expect(stats.users).toEqual(before.users);
      expect([stats.traffic.visitorsAllTime, stats.traffic.visitorsLast24h]).toEqual([before.traffic.visitorsAllTime, before.traffic.visitorsLast24h]);
      expect(stats.traffic.requestsAllTime).toBeGreaterThanOrEqual(before.traffic.requestsAllTime + correlationIds.length);

    });
  });

  describe('run tags: only an open run\'s x-run-key tags a request', () => {
    it('tags exactly the requests carrying an open key; forged keys, closed keys and bare x-run-id tag nothing and are counted', async () => {
      const openKey = await openRun('tags-open');
      const closedKey = await openRun('tags-closed');
      await finishRun('tags-closed');
      const rejectedBefore = await rejectedCount();
      const before = await statsAfter(Date.now());

      const send = (id: string, headers: Record<string, string>) => request(target).get('/health').set({ ...headers, 'x-correlation-id': id }).expect(200);
      for (let i = 0; i < 4; i++) await send(`tag-open-${i}`, { 'x-run-key': openKey });
      for (let i = 0; i < 3; i++) await send(`tag-forged-${i}`, { 'x-run-key': `0x${randomBytes(32).toString('hex')}` });
      for (let i = 0; i < 2; i++) await send(`tag-closed-${i}`, { 'x-run-key': closedKey });
      for (let i = 0; i < 2; i++) await send(`tag-bare-${i}`, { 'x-run-id': 'tags-open' });
      await send('tag-malformed', { 'x-run-key': 'not-a-key' });
      await settle();

      expect(await rejectedCount()).toBe(rejectedBefore + 3 + 2 + 2 + 1);
      const tagged = await rowsWhere(`"run_id" IS NOT NULL AND "correlation_id" LIKE 'tag-%'`);
      expect(tagged.map((r) => [r.correlation_id, r.run_id]).sort()).toEqual([0, 1, 2, 3].map((i) => [`tag-open-${i}`, 'tags-open']));
      expect(await rowsWhere(`"run_id" = 'tags-closed'`)).toEqual([]);
      const stats = await statsAfter(Date.now());
      expect(stats.traffic.requestsFromLoadRunsAllTime - before.traffic.requestsFromLoadRunsAllTime).toBe(4);
      expect(stats.traffic.requestsFromLoadRuns24h - before.traffic.requestsFromLoadRuns24h).toBe(4);
      await finishRun('tags-open');
    });
  });

  describe('load-run users are counted apart', () => {
    it("a wallet first seen in a run's sign-in is a load-run user; an organic sign-in is not; an organic user stays organic", async () => {
      const runKey = await openRun('users-run');
      const before = await statsAfter(Date.now());
      const loadWallet = Wallet.createRandom();
      const organicWallet = Wallet.createRandom();
      const known = await signIn(target);
      await signInWith(loadWallet, { 'x-run-key': runKey });
      await signInWith(organicWallet, {});
      await signInWith(known.wallet, { 'x-run-key': runKey });
      await settle();

      const stats = await statsAfter(Date.now());
      expect(stats.users.allTime - before.users.allTime).toBe(3);
      expect(stats.users.fromLoadRuns.allTime - before.users.fromLoadRuns.allTime).toBe(1);
      expect(stats.users.fromLoadRuns.last24h - before.users.fromLoadRuns.last24h).toBe(1);
      // The run's two sign-ins (nonce + session each) are its requests.
      expect(stats.traffic.requestsFromLoadRunsAllTime - before.traffic.requestsFromLoadRunsAllTime).toBe(4);
      // In order of first sight: the known organic wallet (signed in again inside the run), the run's, the organic one.
      const sources = (await t.dataSource.query(`SELECT "source" FROM "users" ORDER BY "id"`)) as { source: string }[];
      expect(sources.map((u) => u.source).slice(-3)).toEqual(['siwe', 'load-run', 'siwe']);
      await finishRun('users-run');
    });

    it("devnet:load's wallets and requests appear under fromLoadRuns, and its run is finished with its summary", async () => {
      const before = await statsAfter(Date.now());
      const io: ToolIo = { out: () => undefined, err: () => undefined };
      const result = await runLoad({
        kind: 'devnet-load', baseUrl: target, runId: 'tool-run', users: 4, readConcurrency: 4, execConcurrency: 1, mode: 'read-only', durationS: 1,
        minOk: 99, maxP95: 5000, maxSignInP95: 5000, reportDir: `${t.dbPath}-reports`, progress: 'off', params: {}, io,
      });
      expect(result.registration.ok).toBe(true);
      await settle();

      const stats = await statsAfter(Date.now());
      expect(stats.users.fromLoadRuns.allTime - before.users.fromLoadRuns.allTime).toBe(4);
      expect(stats.users.allTime - before.users.allTime).toBe(4);
      const logged = await rowsWhere(`"run_id" = 'tool-run'`);
      expect(logged).toHaveLength(result.summary.requests);
      expect(stats.traffic.requestsFromLoadRunsAllTime - before.traffic.requestsFromLoadRunsAllTime).toBe(result.summary.requests);
      const runs = await request(target).get('/api/telemetry/runs?limit=100').expect(200);
      expect(runs.body.data.find((r: { runId: string }) => r.runId === 'tool-run')).toMatchObject({ open: false, requests: result.summary.requests });
    }, 60_000);
  });

  describe('after all of the above', () => {
    it('every request attributed to a user is attributed to a known user (so the rollups count no phantom visitor)', async () => {
      await settle();
      const [row] = (await t.dataSource.query(
        `SELECT COUNT(*) AS "n" FROM "request_log" WHERE "user_hash" IS NOT NULL AND "user_hash" NOT IN (SELECT "address_hash" FROM "users")`,
      )) as { n: number | string }[];
      expect(Number(row.n)).toBe(0);
    });
  });
});
