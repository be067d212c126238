import { routeLabel, STATIC_ASSET_ROUTE, UNMATCHED_ROUTE, validRunId } from './request-fields';

describe('routeLabel', () => {
  it.each([
    [{ routePath: '/api/execute/:id/submit', path: '/api/execute/123/submit', status: 200 }, '/api/execute/:id/submit'],
    [{ routePath: '/runs', baseUrl: '/api/telemetry', path: '/api/telemetry/runs', status: 400 }, '/api/telemetry/runs'],
    [{ routePath: '/', path: '/', status: 200 }, '/'],
    [{ path: '/no/such/route', status: 404 }, UNMATCHED_ROUTE],
    [{ path: '/api/session', status: 413 }, UNMATCHED_ROUTE],
    [{ routePath: '/devnet', path: '/devnet', status: 200 }, '/devnet'],
    [{ path: '/assets/dashboard.js', status: 200 }, STATIC_ASSET_ROUTE],
    [{ path: '/assets/dashboard.css', status: 304 }, STATIC_ASSET_ROUTE],
    [{ path: '/assets/missing.js', status: 404 }, UNMATCHED_ROUTE],
  ])('%j → %s', (input, expected) => {
    expect(routeLabel(input)).toBe(expected);
  });

  it('gives one label to every unmatched error, whatever its status', () => {
    const labels = new Set(Array.from({ length: 100 }, (_, i) => routeLabel({ status: 400 + i })));
    expect(labels).toEqual(new Set([UNMATCHED_ROUTE]));
  });
});

describe('validRunId', () => {
  it.each([
    ['run-1', 'run-1'],
    ['a.b:c_d-e', 'a.b:c_d-e'],
    ['x'.repeat(64), 'x'.repeat(64)],
    ['x'.repeat(65), null],
    ['', null],
    ['has space', null],
    ['semi;colon', null],
    [undefined, null],
    [['a', 'b'], null],
  ])('%j → %j', (header, expected) => {
    expect(validRunId(header as string | string[] | undefined)).toBe(expected);
  });
});
