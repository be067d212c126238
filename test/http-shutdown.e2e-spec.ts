// A graceful stop that keep-alive clients cannot hold open: a client that always has a request in flight on one
// keep-alive connection (a dashboard polling, a load balancer's health checks) does not keep app.close() waiting, and
// every request the server took is answered.
import { Agent, get } from 'node:http';
import { bootTestApp } from './support/app';

interface Answer {
  status?: number;
  error?: string;
  connection?: string;
}

function getOnce(url: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve) => {
    const req = get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, connection: res.headers.connection }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
}

describe('HTTP server shutdown', () => {
  it('closes within a second although a keep-alive client never lets its connection go idle', async () => {
    const t = await bootTestApp({ listen: true });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const before: Answer[] = [];
    const after: Answer[] = [];
    let closing = false;
    let stop = false;
    const client = (async () => {
      while (!stop) {
        const sentWhileOpen = !closing;
        const answer = await getOnce(`${t.baseUrl}/health`, agent);
        (sentWhileOpen ? before : after).push(answer);
        if (answer.error) break;
      }
    })();
    try {
      while (before.length < 20) await new Promise((r) => setImmediate(r));
      closing = true;
      const started = performance.now();
      await t.close();
      const closeMs = performance.now() - started;
      stop = true;
      await client;
      expect(closeMs).toBeLessThan(1_000);
      // Every request the server took was answered, none with a 5xx; the last one ended the client's loop with an error:
      // the connection closed after a `Connection: close` answer, or a request raced the close of an idle connection
      // (ECONNRESET: the server never read it; HTTP clients retry such requests on a new connection, here refused).
      const answers = [...before, ...after];
      expect(answers.filter((a) => a.status !== undefined && a.status !== 200)).toEqual([]);
      expect(answers.filter((a) => a.error !== undefined && !['ECONNRESET', 'ECONNREFUSED', 'EPIPE'].includes(a.error))).toEqual([]);
      expect(answers[answers.length - 1].error).toBeDefined();
    } finally {
      stop = true;
      agent.destroy();
      await t.close();
    }
  });
});
