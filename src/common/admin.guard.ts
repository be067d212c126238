// Admin endpoints: `Authorization: Bearer $TELEMETRY_ADMIN_TOKEN` (constant-time compare), or loopback when unset.
import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AppConfig, appConfig } from '../config/app.config';
import { apiException, ErrorCode } from './error-codes';
import { isLoopback } from './loopback';

const digest = (s: string) => createHash('sha256').update(s).digest();

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(appConfig.KEY) private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const token = this.config.adminToken;
    if (!token) {
      if (isLoopback(req)) return true;
      throw apiException(HttpStatus.FORBIDDEN, ErrorCode.FORBIDDEN, 'Admin endpoints answer loopback clients only while TELEMETRY_ADMIN_TOKEN is unset');
    }
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Hashing both sides first makes the comparison constant-time whatever the lengths.
    if (given && timingSafeEqual(digest(given), digest(token))) return true;
    throw apiException(HttpStatus.UNAUTHORIZED, ErrorCode.UNAUTHORIZED, 'Missing or invalid admin bearer token');
  }
}
