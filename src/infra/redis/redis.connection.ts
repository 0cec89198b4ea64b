import { OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';

/** A shared Redis client for health checks and small commands; exists only when REDIS_URL is set. */
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(url: string) {
    // Fail fast on commands while disconnected, so readiness reports "down" instead of hanging.
    this.client = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.client.on('error', () => undefined); // reported through health checks, not as crashes
    void this.client.connect().catch(() => undefined);
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    this.client.disconnect();
  }
}
