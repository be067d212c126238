// The two HTTP exchanges of a Sign-In with Ethereum, as `METHOD /route` labels. Sign-in is CPU-bound signature
// recovery on the server, far slower than any read by design, so the load tools' verdict and the run report's
// readiness judge the reads without it and show sign-in on its own line.
export const NONCE_ENDPOINT = 'GET /api/session/nonce';
export const SIGN_IN_ENDPOINT = 'POST /api/session';

export function isSignInEndpoint(endpoint: string): boolean {
  return endpoint === NONCE_ENDPOINT || endpoint === SIGN_IN_ENDPOINT;
}
