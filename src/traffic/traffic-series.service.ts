// The public hourly traffic series, cached briefly per `hours` so a refreshing dashboard costs one query burst.
import { Injectable } from '@nestjs/common';
import { HOUR_MS, hourStart } from './time';
import { TrafficHour, TrafficService } from './traffic.service';
import { KeyedCoalescingCache } from '../common/coalescing-cache';

export const TRAFFIC_CACHE_MS = 2_000;

export interface TrafficSeries {
  hours: number;
  from: string;
  series: TrafficHour[];
  generatedAt: string;
}

@Injectable()
export class TrafficSeriesService {
  private readonly cache = new KeyedCoalescingCache<number, TrafficSeries>(TRAFFIC_CACHE_MS);

  constructor(private readonly traffic: TrafficService) {}

  series(hours: number): Promise<TrafficSeries> {
    return this.cache.get(hours, async () => {
      const now = Date.now();
      const from = hourStart(now) - (hours - 1) * HOUR_MS;
      const series = await this.traffic.hourly(from, now);
      return { hours, from: new Date(from).toISOString(), series, generatedAt: new Date(now).toISOString() };
    });
  }
}
