import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { TelemetryEventsService } from './telemetry-events.service';

function capture(consoleEvents: boolean, fn: (sut: TelemetryEventsService) => void): string[] {
  const sut = new TelemetryEventsService({ consoleEvents } as AppConfig);
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    fn(sut);
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('TelemetryEventsService', () => {
  it('writes one JSON line per event, bigints as exact strings', () => {
    const lines = capture(true, (sut) => sut.emit('execution.confirmed', { executionId: 'e1', amountUnits: 2n ** 80n, skipped: undefined }));
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    const event = JSON.parse(lines[0]);
    expect(event).toMatchObject({ event: 'execution.confirmed', executionId: 'e1', amountUnits: (2n ** 80n).toString() });
    expect(event).not.toHaveProperty('skipped');
    expect(Number.isNaN(Date.parse(event.ts))).toBe(false);
  });

  it('drops any value shaped like a wallet address but keeps 32-byte hashes', () => {
    const address = '0x52908400098527886E0F7030069857D2E4169EE7';
    const txHash = `0x${'ab'.repeat(32)}`;
    const [line] = capture(true, (sut) => sut.emit('session.created', { address, lower: address.toLowerCase(), note: `by ${address}`, txHash }));
    expect(line.toLowerCase()).not.toContain(address.slice(2).toLowerCase());
    expect(JSON.parse(line).txHash).toBe(txHash);
  });

  it('is silent unless TELEMETRY_CONSOLE is on', () => {
    expect(capture(false, (sut) => sut.emit('session.created', { userHash: 'h' }))).toEqual([]);
  });

  describe('with DEBUG_EXECUTIONS', () => {
    const debugLines = (debugExecutions: boolean, fn: (sut: TelemetryEventsService) => void) => {
      const spy = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
      try {
        fn(new TelemetryEventsService({ consoleEvents: false, log: { level: 'info', format: 'json', debugExecutions } } as AppConfig));
        return spy.mock.calls;
      } finally {
        spy.mockRestore();
      }
    };

    it('logs every execution transition at debug, and nothing else', () => {
      const calls = debugLines(true, (sut) => {
        sut.emit('execution.prepared', { executionId: 'e1' });
        sut.emit('execution.submitted', { executionId: 'e1', txHash: '0xab' });
        sut.emit('session.created', { userHash: 'h' });
      });
      expect(calls.map((c) => c[1])).toEqual(['execution.prepared e1', 'execution.submitted e1']);
      expect(calls[1][0]).toMatchObject({ transition: { event: 'execution.submitted', executionId: 'e1', txHash: '0xab' } });
    });

    it('logs none when off', () => {
      expect(debugLines(false, (sut) => sut.emit('execution.confirmed', { executionId: 'e1' }))).toEqual([]);
    });
  });
});
