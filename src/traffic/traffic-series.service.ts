// The public traffic series (hourly, or per minute for the last minutes), cached briefly per size so a refreshing
// dashboard costs one query burst.
import { Injectable } from '@nestjs/common';
import { HOUR_MS, hourStart, MINUTE_MS, minuteStart } from './time';
import { TrafficHour, TrafficMinute, TrafficService } from './traffic.service';
import { KeyedCoalescingCache } from '../common/coalescing-cache';

export const TRAFFIC_CACHE_MS = 2_000;
/**
 * The per-minute series sorts the last minutes' raw rows (~1 s per 100k rows on the 2-core machine): kept as long as
 * the dashboard's refresh interval, so any number of viewers costs one computation per 10 s.
 */
export const MINUTE_SERIES_CACHE_MS = 10_000;

export interface TrafficSeries {
  hours: number;
  from: string;
  series: TrafficHour[];
  generatedAt: string;
}

export interface TrafficMinuteSeries {
  minutes: number;
  from: string;
  series: TrafficMinute[];
  generatedAt: string;
}

@Injectable()
export class TrafficSeriesService {
  private readonly cache = new KeyedCoalescingCache<number, TrafficSeries>(TRAFFIC_CACHE_MS);
  private readonly minuteCache = new KeyedCoalescingCache<number, TrafficMinuteSeries>(MINUTE_SERIES_CACHE_MS);

  constructor(private readonly traffic: TrafficService) {}

  series(hours: number): Promise<TrafficSeries> {
    return this.cache.get(hours, async () => {
      const now = Date.now();
      const from = hourStart(now) - (hours - 1) * HOUR_MS;
      const series = await this.traffic.hourly(from, now);
      return { hours, from: new Date(from).toISOString(), series, generatedAt: new Date(now).toISOString() };
    });
  }

  perMinute(minutes: number): Promise<TrafficMinuteSeries> {
    return this.minuteCache.get(minutes, async () => {
      const now = Date.now();
      const from = minuteStart(now) - (minutes - 1) * MINUTE_MS;
      const series = await this.traffic.perMinute(from, now);
      return { minutes, from: new Date(from).toISOString(), series, generatedAt: new Date(now).toISOString() };
    });
  }
}
