// TELEMETRY_CONSOLE=true: one JSON line per event on stdout, with ids and hashes, never raw addresses or keys.
import request from 'supertest';
import { ExecutionsService } from '../src/executions/executions.service';
import { computeFeeUnits } from '../src/fees/fee';
import { UsersService } from '../src/users/users.service';
import { bootTestApp } from './support/app';
import { signIn } from './support/siwe';

async function runFlows(consoleEvents: boolean) {
  const t = await bootTestApp({ env: { TELEMETRY_CONSOLE: String(consoleEvents), RATE_LIMIT_PER_MIN: '0' } });
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    const { sessionId, address } = await signIn(t.http);
    const prepare = (amount: string) =>
      request(t.http).post('/api/execute/prepare').set('x-session-id', sessionId).send({ action: 'uniswap-v3-swap', token: 'USDC', amount }).expect(201);
    const a = (await prepare('1000000')).body.data.executionId as string;
    const txHash = `0x${'ab'.repeat(32)}`;
    await request(t.http).post(`/api/execute/${a}/submit`).set('x-session-id', sessionId).send({ txHash }).expect(200);
    await t.app.get(ExecutionsService).confirmFromReceipt(a, { txHash, blockNumber: 5 });
    const b = (await prepare('42')).body.data.executionId as string;
    await request(t.http).post(`/api/execute/${b}/fail`).set('x-session-id', sessionId).send({ errorCode: 'USER_REJECTED' }).expect(200);
    const userHash = t.app.get(UsersService).hashAddress(address);
    return { output: written.join(''), sessionId, address, userHash, ids: [a, b], txHash };
  } finally {
    spy.mockRestore();
    await t.close();
  }
}

describe('console telemetry events', () => {
  it('prints one JSON line per event with ids and hashes only', async () => {
    const { output, sessionId, address, userHash, ids, txHash } = await runFlows(true);
    const events = output
      .split('\n')
      .filter((line) => line.startsWith('{') && line.includes('"event"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((e) => e.event)).toEqual(['session.created', 'execution.prepared', 'execution.submitted', 'execution.confirmed', 'execution.prepared', 'execution.failed']);
    for (const e of events) expect(Number.isNaN(Date.parse(String(e.ts)))).toBe(false);
    expect(events[0]).toMatchObject({ userHash });
    expect(events[1]).toMatchObject({ executionId: ids[0], userHash, token: 'USDC', amountUnits: '1000000' });
    expect(events[2]).toMatchObject({ executionId: ids[0], txHash });
    expect(events[3]).toMatchObject({ executionId: ids[0], txHash, blockNumber: 5, feeUnits: computeFeeUnits(1_000_000n, 25).toString() });
    expect(events[5]).toMatchObject({ executionId: ids[1], errorCode: 'USER_REJECTED' });
    const lower = output.toLowerCase();
    expect(lower).not.toContain(address.toLowerCase().slice(2));
    expect(lower).not.toContain(sessionId.toLowerCase().slice(2));
  });

  it('prints nothing when TELEMETRY_CONSOLE is off', async () => {
    const { output } = await runFlows(false);
    expect(output).not.toContain('"event"');
  });
});
