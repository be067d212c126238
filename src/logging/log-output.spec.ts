import { effectiveLevel } from './log-output';
import { describeStartUpFailure } from './start-up-failure';
import { ConfigValidationError } from '../config/env.validation';

describe('effectiveLevel', () => {
  it.each([
    ['info', false, 'info'],
    ['info', true, 'debug'],
    ['warn', true, 'debug'],
    ['trace', true, 'trace'],
    ['debug', false, 'debug'],
  ] as const)('LOG_LEVEL=%s, DEBUG_EXECUTIONS=%s → pino at %s', (level, debugExecutions, expected) => {
    expect(effectiveLevel({ level, format: 'json', debugExecutions })).toBe(expected);
  });
});

describe('describeStartUpFailure', () => {
  it('states operator mistakes without a stack, anything else as unexpected', () => {
    expect(describeStartUpFailure(new ConfigValidationError('Invalid configuration: PORT="x": …'))).toEqual({ message: 'Invalid configuration: PORT="x": …', expected: true });
    const busy = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port: 3001 });
    expect(describeStartUpFailure(busy)).toEqual({ message: 'Cannot listen: port 3001 is already in use (EADDRINUSE)', expected: true });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5433'), { code: 'ECONNREFUSED' });
    expect(describeStartUpFailure(refused)).toEqual({ message: 'Cannot open the database: connect ECONNREFUSED 127.0.0.1:5433 (ECONNREFUSED)', expected: true });
    expect(describeStartUpFailure(new TypeError('x is undefined'))).toEqual({ message: 'Start-up failed: x is undefined', expected: false });
  });
});
