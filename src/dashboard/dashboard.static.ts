// Static serving for the dashboard: where public/ is, how /assets/* is served, and the security headers (helmet).
import type { Response } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';

/**
 * No inline script or style, nothing from another origin: API values are inserted as text, and even if markup were
 * ever injected, no script in it could run. The pages only fetch their own API.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  // The separator helmet writes, so this is the exact header value.
].join(';');

const CSP_DIRECTIVES = Object.fromEntries(
  DASHBOARD_CSP.split(';').map((directive) => {
    const [name, ...values] = directive.split(' ');
    return [name, values];
  }),
);

const securityHeaders = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // HTTPS and its HSTS policy (which binds the whole domain for a year) belong to the TLS terminator in front.
  strictTransportSecurity: false,
});

/** public/ at the project root, found from here whether running from src/ (ts-node, jest) or dist/src/ (npm start). */
export function findPublicDir(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'public');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  throw new Error(`public/index.html not found above ${from}`);
}

/** For pages and assets alike; API responses get none of these (they are JSON, never rendered). */
export function setDashboardHeaders(res: Response, path: string): void {
  // helmet's middleware only sets headers, synchronously.
  securityHeaders(res.req, res, () => undefined);
  // Pages are tiny and must pick up new assets at once after a deploy; revalidation costs one 304.
  res.setHeader('Cache-Control', extname(path) === '.html' ? 'no-cache' : 'public, max-age=300');
}

/**
 * express.static options for `/assets/*` only. The pages themselves are served by DashboardController from memory:
 * a static handler mounted at `/` would stat the file system (twice, with extensions) for every API request.
 */
export function assetsStaticOptions() {
  return {
    prefix: '/assets/',
    index: false as const,
    redirect: false,
    dotfiles: 'ignore' as const,
    fallthrough: true,
    setHeaders: setDashboardHeaders,
  };
}
