import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { Page, pageOf } from '../common/pagination.js';
import { type AuditActor, AuditService } from '../audit/index.js';
import { WorkingCalendar } from '../calendar/index.js';
import { Database } from '../infra/database/database.service.js';
import { JobName } from '../infra/jobs/job-names.js';
import { JobQueue } from '../infra/jobs/job-queue.js';
import { CalendarClosure } from './sla.entities.js';
import type { ClosureDto, ClosureQuery, CreateClosureDto } from './sla.dto.js';

/** The closure days the secretariat may set: office days of this era (the quarterly report's years). */
const FIRST_CLOSURE_DAY = '2000-01-01';
const LAST_CLOSURE_DAY = '2100-12-31';

/**
 * Closure days of the secretariat. The one WorkingCalendar of a process learns them at start-up,
 * right after each change made in this process, at the start of every SLA job, and every
 * RECONCILE_INTERVAL_MS (so other processes — a worker, a second server — follow within that).
 * A change marks the day for recomputation; the recompute-sla job re-measures the questions whose
 * clocks ran on that day.
 */
@Injectable()
export class ClosuresService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ClosuresService.name);
  private timer?: NodeJS.Timeout;
  private loaded = '';

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly calendar: WorkingCalendar,
    private readonly queue: JobQueue,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload().catch((error: Error) => this.logger.warn(`Could not reload closure days: ${error.message}`)), this.config.reconcileIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Loads the current closure days into the calendar; returns them. */
  async reload(): Promise<string[]> {
    const rows = await this.db.manager.find(CalendarClosure, { select: { day: true }, where: { deletedAt: IsNull() }, order: { day: 'ASC' } });
    const days = rows.map((row) => row.day);
    const signature = days.join(',');
    if (signature !== this.loaded) {
      this.calendar.setClosureDays(days);
      this.loaded = signature;
    }
    return days;
  }

  async list(query: ClosureQuery): Promise<Page<ClosureDto>> {
    const qb = this.db.manager.createQueryBuilder(CalendarClosure, 'c').where('c.deleted_at IS NULL');
    if (query.from) qb.andWhere('c.day >= :from', { from: query.from });
    if (query.to) qb.andWhere('c.day <= :to', { to: query.to });
    qb.orderBy('c.day', 'ASC').offset(query.offset).limit(query.pageSize);
    const [rows, total] = await qb.getManyAndCount();
    return pageOf(rows.map(toDto), total, query);
  }

  async add(input: CreateClosureDto, actor: AuditActor): Promise<ClosureDto> {
    const now = this.clock.now();
    // An existing date can still be one the working calendar does not handle (years 0000–0099).
    if (input.day < FIRST_CLOSURE_DAY || input.day > LAST_CLOSURE_DAY) throw new InvalidInputError([{ name: 'day', reason: 'moet een dag in de jaren 2000 tot en met 2100 zijn' }]);
    if (!this.calendar.isWorkingDay(input.day)) {
      const existing = await this.db.manager.findOneBy(CalendarClosure, { day: input.day, deletedAt: IsNull() });
      if (!existing) throw new ConflictError(`${input.day} is al geen werkdag (weekend of feestdag).`, 'not-a-working-day');
    }
    const row = await this.db.transaction(async (m) => {
      const existing = await m.findOneBy(CalendarClosure, { day: input.day });
      if (existing && !existing.deletedAt) throw new ConflictError(`${input.day} is al een sluitingsdag.`, 'closure-exists');
      const values = { reason: input.reason || null, createdBy: actor.actorId, createdAt: now, deletedAt: null, changedAt: now, recomputePending: true };
      if (existing) await m.update(CalendarClosure, { day: input.day }, values);
      else await m.insert(CalendarClosure, { day: input.day, ...values });
      await this.audit.record(actor, { action: 'calendar.closure.add', objectType: 'calendar_closure', objectId: input.day, details: { reason: values.reason } }, m);
      return m.findOneByOrFail(CalendarClosure, { day: input.day });
    });
    await this.afterChange(input.day, now);
    return toDto(row);
  }

  async remove(day: string, actor: AuditActor): Promise<void> {
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const existing = await m.findOneBy(CalendarClosure, { day });
      if (!existing || existing.deletedAt) throw new NotFoundError('Sluitingsdag', day);
      await m.update(CalendarClosure, { day }, { deletedAt: now, changedAt: now, recomputePending: true });
      await this.audit.record(actor, { action: 'calendar.closure.remove', objectType: 'calendar_closure', objectId: day }, m);
    });
    await this.afterChange(day, now);
  }

  private async afterChange(day: string, now: Date): Promise<void> {
    await this.reload();
    await this.queue.enqueue(JobName.RecomputeSla, { scope: 'closure', key: day }, { jobId: `closure:${day}:${now.getTime()}` });
  }
}

function toDto(row: CalendarClosure): ClosureDto {
  return { day: row.day, reason: row.reason, createdAt: row.createdAt.toISOString(), recomputePending: row.recomputePending };
}
