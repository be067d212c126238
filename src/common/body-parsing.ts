// The request body in one Express layer: JSON or urlencoded up to the limit (express's own body-parser), a parser's
// failure as the API's error code, then the JSON depth cap. A request without a body (neither Content-Length nor
// Transfer-Encoding, as every GET) passes straight on: as separate layers the two parsers, the error translation and the
// depth check cost each such request four router steps and two parsers finding nothing to read (~7–10 µs of a
// ~250–290 µs /health request in a V8 CPU profile).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json, urlencoded } from 'express';
import { translateBodyParserError } from './body-parser-errors';
import { jsonDepthMiddleware } from './json-depth';

export function bodyParsingMiddleware(limit: string): RequestHandler {
  const parseJson = json({ limit });
  const parseForm = urlencoded({ limit, extended: false });
  return (req: Request, res: Response, next: NextFunction): void => {
    // body-parser's own test for a body (type-is `hasBody`).
    if (req.headers['transfer-encoding'] === undefined && req.headers['content-length'] === undefined) return next();
    parseJson(req, res, (jsonError?: unknown) => {
      if (jsonError) return next(translateBodyParserError(jsonError));
      parseForm(req, res, (formError?: unknown) => {
        if (formError) return next(translateBodyParserError(formError));
        jsonDepthMiddleware(req, res, next);
      });
    });
  };
}
