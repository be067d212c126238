// CONFIRMATIONS: an integer from 1, validated at start like every variable; a bad value names itself and the range.
import { ConfigValidationError, validateEnv } from './env.validation';
import { toAppConfig } from './app.config';

describe('CONFIRMATIONS', () => {
  it('defaults to 1 (one block: the receipt’s own) and reaches the chain config', () => {
    expect(validateEnv({}).CONFIRMATIONS).toBe(1);
    expect(toAppConfig(validateEnv({ CONFIRMATIONS: '12' })).chain.confirmations).toBe(12);
  });

  it.each(['0', '-1', '1.5', 'three', '1001'])('rejects %j naming the variable, the value and the range', (value) => {
    expect(() => validateEnv({ CONFIRMATIONS: value })).toThrow(ConfigValidationError);
    expect(() => validateEnv({ CONFIRMATIONS: value })).toThrow(`CONFIRMATIONS=${JSON.stringify(value)}: must be an integer from 1 to 1000`);
  });
});
