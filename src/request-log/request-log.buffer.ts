// In-memory queue of request-log rows waiting for the writer. The request path only enqueues here.
import { Injectable } from '@nestjs/common';

export interface RequestLogBufferStats {
  depth: number;
  capacity: number;
  dropped: number;
}

@Injectable()
export class RequestLogBuffer {
  stats(): RequestLogBufferStats {
    return { depth: 0, capacity: 0, dropped: 0 };
  }
}
