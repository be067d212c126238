// Pure helpers that decide what of a request goes into its log row: bounded route labels and validated run ids.

/** Every path that matched no route and got an error (404s, body-parser rejections before routing) shares this. */
export const UNMATCHED_ROUTE = '(unmatched)';
/** Static assets (files with an extension other than .html) share this. */
export const STATIC_ASSET_ROUTE = '(static)';

const RUN_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The x-run-id header when well-formed, else null (the caller counts the rejection). */
export function validRunId(header: string | string[] | undefined): string | null {
  return typeof header === 'string' && RUN_ID.test(header) ? header : null;
}

export interface RouteInput {
  /** The matched Express route pattern (`req.route?.path`), if any. */
  routePath?: string;
  baseUrl?: string;
  /** The request path without the query string. */
  path: string;
  status: number;
}

/**
 * The route label of a request. Matched routes give their pattern (`/api/execute/:id/submit`). Unmatched requests
 * answered successfully were served by the static layer, so the set of real files bounds them: pages are labelled by
 * their first path segment (`/`, `/devnet`), assets share one label. Anything else unmatched shares one label, so a
 * scanner probing random paths cannot grow the cardinality.
 */
export function routeLabel({ routePath, baseUrl, path, status }: RouteInput): string {
  if (typeof routePath === 'string') return `${baseUrl ?? ''}${routePath}` || '/';
  if (status >= 400) return UNMATCHED_ROUTE;
  const first = path.split('/').find((s) => s.length > 0);
  if (first === undefined) return '/';
  const dot = first.lastIndexOf('.');
  if (dot === -1) return `/${first}`.slice(0, 128);
  return first.slice(dot) === '.html' ? `/${first.slice(0, dot)}`.slice(0, 128) : STATIC_ASSET_ROUTE;
}
