// The one definition of how a request's status counts: ok = status < 500 (the definition of success), client errors
// 400–499, server errors ≥ 500, rate limited = 429. A pure function for code, one SQL fragment for queries.

export interface StatusCounts {
  requests: number;
  ok: number;
  clientErrors: number;
  serverErrors: number;
  rateLimited: number;
}

export function emptyStatusCounts(): StatusCounts {
  return { requests: 0, ok: 0, clientErrors: 0, serverErrors: 0, rateLimited: 0 };
}

/** Adds one request of `status` to `counts`. */
export function countStatus(counts: StatusCounts, status: number): void {
  counts.requests++;
  if (status < 500) counts.ok++;
  else counts.serverErrors++;
  if (status >= 400 && status < 500) counts.clientErrors++;
  if (status === 429) counts.rateLimited++;
}

/** The same counts as SELECT expressions over a "status" column, aliased as the StatusCounts fields. */
export const STATUS_COUNTS_SQL =
  `COUNT(*) AS "requests", ` +
  `SUM(CASE WHEN "status" < 500 THEN 1 ELSE 0 END) AS "ok", ` +
  `SUM(CASE WHEN "status" >= 400 AND "status" < 500 THEN 1 ELSE 0 END) AS "clientErrors", ` +
  `SUM(CASE WHEN "status" >= 500 THEN 1 ELSE 0 END) AS "serverErrors", ` +
  `SUM(CASE WHEN "status" = 429 THEN 1 ELSE 0 END) AS "rateLimited"`;
