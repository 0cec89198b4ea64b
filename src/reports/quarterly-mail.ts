import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { UserQuery, UsersService } from '../accounts/index.js';
import { WorkingCalendar } from '../calendar/index.js';
import { Clock, amsterdamDay, amsterdamTime, shiftDay } from '../common/clock.js';
import { JobHandler } from '../infra/jobs/job-handler.decorator.js';
import { JobName, type JobPayloads } from '../infra/jobs/job-names.js';
import { Reconciler, type PendingWork } from '../infra/jobs/reconciler.js';
import { NotificationsService } from '../notifications/index.js';
import { quarterOfDay } from '../statistics/index.js';

/** The mail goes out from this hour (Europe/Amsterdam) of the quarter's first working day. */
const SEND_FROM_HOUR = 9;
/** A mail missed for longer than this (the app was down, or installed mid-quarter) is not sent any more. */
const LATEST_MS = 14 * 86_400_000;

/**
 * The quarterly mail (B6): on the first working day of a quarter every active secretariat member
 * gets the link to the overview of the quarter that just ended. There is no timer to miss: the
 * reconciler asks `findPending` at startup and every RECONCILE_INTERVAL_MS, and once that day's
 * 09:00 has passed and no mail of the quarter exists yet, the job is enqueued (again, should a
 * worker have died) — for up to 14 days, so a fresh install mid-quarter sends nothing stale. The job is idempotent: each (quarter, member) is mailed once — the outbox
 * keeps one row per event key and recipient.
 */
@Injectable()
export class QuarterlyMailJobs implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('QuarterlyMail');
  private unregister?: () => void;

  constructor(
    private readonly reconciler: Reconciler,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
    private readonly calendar: WorkingCalendar,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.unregister = this.reconciler.register({ name: 'reports.quarterly-mail', findPending: (now) => this.findPending(now) });
  }

  onModuleDestroy(): void {
    this.unregister?.();
  }

  /** The quarter to report on at `now` (YYYY-Qn, the one before the running quarter) and when its mail is due. */
  due(now: Date): { quarter: string; year: number; number: number; dueAt: Date } {
    const today = amsterdamDay(now);
    const ended = quarterOfDay(today, 1);
    // The first working day of the running quarter (weekends, holidays and closure days skipped).
    let day = quarterOfDay(today).from;
    for (let i = 0; i < 31 && !this.calendar.isWorkingDay(day); i++) day = shiftDay(day, 1);
    const [y, m, dd] = day.split('-').map(Number);
    return { quarter: `${ended.year}-Q${ended.quarter}`, year: ended.year, number: ended.quarter, dueAt: amsterdamTime(y, m, dd, SEND_FROM_HOUR) };
  }

  async findPending(now: Date): Promise<PendingWork[]> {
    const { quarter, dueAt } = this.due(now);
    if (now < dueAt || now.getTime() - dueAt.getTime() > LATEST_MS) return [];
    if (await this.notifications.hasEvent(eventKey(quarter))) return [];
    return [{ job: JobName.QuarterlyReportMail, payload: { quarter }, key: `quarterly-report:${quarter}` }];
  }

  @JobHandler(JobName.QuarterlyReportMail)
  async send({ quarter }: JobPayloads[JobName.QuarterlyReportMail]): Promise<void> {
    const match = /^(\d{4})-Q([1-4])$/.exec(quarter);
    if (!match) return;
    const [year, number] = [Number(match[1]), Number(match[2])];
    const label = `${number}e kwartaal ${year}`;
    let sent = 0;
    for (let page = 1; ; page++) {
      const members = await this.users.list(Object.assign(new UserQuery(), { role: 'secretariat', active: true, page, pageSize: 100 }));
      for (const member of members.data) {
        await this.notifications.notifyNow({
          eventKey: eventKey(quarter),
          recipient: { email: member.email, userId: member.id },
          template: 'quarterly-report',
          data: { name: member.displayName, quarter: label, link: `/reports/quarterly?year=${year}&quarter=${number}` },
        });
        sent++;
      }
      if (members.data.length < 100) break;
    }
    this.logger.log(`Quarterly overview ${quarter} mailed to ${sent} secretariat member(s)`);
  }
}

function eventKey(quarter: string): string {
  return `quarterly-report:${quarter}`;
}
