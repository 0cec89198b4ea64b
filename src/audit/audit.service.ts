import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Clock } from '../common/clock.js';
import { Page, pageOf } from '../common/pagination.js';
import { Database } from '../infra/database/database.service.js';
import { AuditEvent, AuditResult } from './audit-event.entity.js';
import { AuditEventDto, AuditQuery } from './audit.dto.js';

/** Who did it and from where; taken from the request by controllers. */
export interface AuditActor {
  actorId: string | null;
  ip: string | null;
}

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | null;
  result?: AuditResult;
  /** Context for the reader; never secrets, tokens or codes. */
  details?: Record<string, unknown>;
}

export const SYSTEM_ACTOR: AuditActor = { actorId: null, ip: null };

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Records inside the caller's transaction (so the trail commits with the change), or on its own. */
  async record(actor: AuditActor, entry: AuditEntry, manager?: EntityManager): Promise<void> {
    const event: AuditEvent = {
      id: randomUUID(),
      occurredAt: this.clock.now(),
      actorId: actor.actorId,
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId ?? null,
      result: entry.result ?? 'success',
      ip: actor.ip,
      details: entry.details ?? null,
    };
    // The JSON column's type is wider than TypeORM's insert typing expects.
    const row = event as unknown as QueryDeepPartialEntity<AuditEvent>;
    if (manager) await manager.insert(AuditEvent, row);
    else await this.db.transaction((m) => m.insert(AuditEvent, row));
  }

  /** The events that match `query`, newest first; `actorIds`, when given, keeps those by any of these users. */
  async list(query: AuditQuery, actorIds?: readonly string[]): Promise<Page<AuditEventDto>> {
    const qb = this.events.createQueryBuilder('e');
    if (query.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: query.actorId });
    if (actorIds) qb.andWhere(actorIds.length ? 'e.actor_id IN (:...actorIds)' : '1 = 0', { actorIds });
    if (query.objectType) qb.andWhere('e.object_type = :objectType', { objectType: query.objectType });
    if (query.objectId) qb.andWhere('e.object_id = :objectId', { objectId: query.objectId });
    if (query.action) qb.andWhere('e.action LIKE :action', { action: `${query.action.replace(/[%_]/g, '')}%` });
    if (query.result) qb.andWhere('e.result = :result', { result: query.result });
    if (query.from) qb.andWhere('e.occurred_at >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('e.occurred_at < :to', { to: new Date(query.to) });
    qb.orderBy('e.occurred_at', 'DESC').addOrderBy('e.id', 'DESC').offset(query.offset).limit(query.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return pageOf(rows.map(AuditEventDto.from), total, query);
  }
}
