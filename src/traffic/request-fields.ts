// Pure helpers that decide what of a request goes into its log row: bounded route labels and validated run ids.

/** Every path that matched no route and got an error (404s, body-parser rejections before routing) shares this. */
export const UNMATCHED_ROUTE = '(unmatched)';
/** Static assets (`/assets/*`) share this. */
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
  status: number;
}

/**
 * The route label of a request. Matched routes give their pattern (`/api/execute/:id/submit`; the dashboard pages are
 * routes too). An unmatched request answered below 400 was served by the static layer (`/assets/*`), so assets share
 * one label; anything else unmatched shares another, so a scanner probing random paths cannot grow the cardinality.
 */
export function routeLabel({ routePath, baseUrl, status }: RouteInput): string {
  if (typeof routePath === 'string') return `${baseUrl ?? ''}${routePath}` || '/';
  return status >= 400 ? UNMATCHED_ROUTE : STATIC_ASSET_ROUTE;
}
