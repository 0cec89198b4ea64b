import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { In, type EntityManager } from 'typeorm';
import { seededRandom } from '../common/random.js';
import { AppModule } from '../app.module.js';
import { AppConfig, type DatabaseKind } from '../config/app-config.js';
import { PinoNestLogger, createRootLogger } from '../infra/logging.js';
import { Clock, amsterdamDay } from '../common/clock.js';
import { User } from '../accounts/user.entity.js';
import type { Principal } from '../accounts/principal.js';
import { WorkingCalendar } from '../calendar/working-calendar.js';
import { Database } from '../infra/database/database.service.js';
import { SqlParams } from '../infra/database/sql.js';
import { KnowledgeService } from '../knowledge/knowledge.service.js';
import { NotificationOutbox } from '../notifications/outbox.entity.js';
import { QuestionJobs } from '../questions/question-jobs.js';
import { formatReference } from '../questions/reference.js';
import { replayClocks, type ClockTargets } from '../sla/sla-clock.js';
import { alarmOf, dimensionsOf, keuzeRowsOf } from '../sla/sla.service.js';
import { WorkingTimeTable } from '../sla/working-time.js';
import { StatisticsCells } from '../statistics/statistics-cells.js';
import {
  ACTORS,
  ANSWER_SENTENCES,
  BODY_SENTENCES,
  CLARIFICATIONS,
  FIRST_NAMES,
  GAP_SEARCHES,
  KEUZE_TOPICS,
  LAST_NAMES,
  PROJECTS,
  REFERRAL_TARGETS,
  REOPEN_REASONS,
  TITLE_TEMPLATES,
  fill,
} from './demo-vocabulary.js';

export interface DemoSeedOptions {
  questions: number;
  /** PRNG seed: the same seed and date give the same data. */
  seed?: number;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  /** From this many questions on, secondary indexes are rebuilt after the load (default 50,000). */
  bulkIndexThreshold?: number;
}

export interface DemoSeedResult {
  questions: number;
  experts: number;
  requesters: number;
  articles: number;
  milliseconds: number;
}

export class DemoDataExistsError extends Error {}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** From this many questions on, secondary indexes are dropped during the load and rebuilt after it. */
const BULK_INDEX_THRESHOLD = 50_000;
const BULK_TABLES = ['questions', 'question_keuzes', 'question_events', 'question_messages', 'question_ratings', 'question_sla', 'question_sla_keuzes', 'sla_events'];
/** Questions written per transaction. */
const CHUNK = 1000;
/** Keep statements below SQLite's (32766) and PostgreSQL's (65535) bound-parameter limits. */
const MAX_PARAMS = 30_000;

type Status = 'submitted' | 'triage' | 'assigned' | 'in_progress' | 'awaiting_requester' | 'answered' | 'closed' | 'referred' | 'withdrawn';

interface DemoEvent {
  type: string;
  at: Date;
  actor: string | null;
  from: Status | null;
  to: Status | null;
  reason?: string | null;
  details?: Record<string, unknown> | null;
  message?: { author: string; body: string } | null;
}

interface Org {
  code: string;
  type: string;
  name: string;
  provinceCode: string | null;
}


/**
 * Fills an empty database with a realistic year of Vraagbaak: experts with expertise over all 33
 * keuzes, requesters from municipalities, provinces, water boards and the Rijk, questions with their
 * timeline (routing, acceptance, clarification, answers, reopenings, referrals, withdrawals,
 * confirmations, automatic closing, ratings), SLA clocks computed by the same replay and calendar as
 * the live app (through a WorkingTimeTable built from the WorkingCalendar), and — with the knowledge
 * module — published articles, their reuse and search analytics. Rows are written with multi-row
 * INSERTs, a thousand questions per transaction, so a million questions is a matter of minutes.
 */
export class DemoSeeder {
  private readonly db: Database;
  private readonly calendar: WorkingCalendar;
  private readonly clock: Clock;
  private readonly random: ReturnType<typeof seededRandom>;
  private readonly kind: DatabaseKind;
  private idCounter = 0;
  private readonly idBase: number;
  private readonly idSalt: string;
  private now!: Date;
  private time!: WorkingTimeTable;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly options: DemoSeedOptions,
  ) {
    this.db = app.get(Database);
    this.calendar = app.get(WorkingCalendar);
    this.clock = app.get(Clock);
    this.random = seededRandom(options.seed ?? 1);
    this.kind = this.db.kind;
    this.idBase = Date.now() - 400 * DAY;
    this.idSalt = randomBytes(6).toString('hex');
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  /** Time-ordered UUIDs (version 7 layout): rows are appended to the B-trees instead of scattered. */
  private id(): string {
    const hex = (this.idBase + this.idCounter++).toString(16).padStart(12, '0');
    const r = this.random;
    const tail = (r.int(0x10000) | 0).toString(16).padStart(4, '0') + (r.int(0x10000) | 0).toString(16).padStart(4, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${(r.int(0x1000) | 0).toString(16).padStart(3, '0')}-${(8 + r.int(4)).toString(16)}${(r.int(0x1000) | 0).toString(16).padStart(3, '0')}-${this.idSalt.slice(0, 4)}${tail}`;
  }

  private ts(value: Date | null | undefined): string | null {
    if (!value) return null;
    const iso = value.toISOString();
    return this.kind === 'postgres' ? iso : iso.replace('T', ' ').replace('Z', '');
  }

  private bool(value: boolean | null): boolean | number | null {
    if (value === null) return null;
    return this.kind === 'postgres' ? value : value ? 1 : 0;
  }

  async run(): Promise<DemoSeedResult> {
    const started = Date.now();
    const m = this.db.manager;
    const [existing] = (await m.query('SELECT count(*) AS n FROM questions')) as { n: number | string }[];
    if (Number(existing.n) > 0) throw new DemoDataExistsError(`The database already has ${existing.n} question(s); demo:seed only fills an empty database.`);
    this.now = this.clock.now();
    const realNow = this.clock.now.bind(this.clock);
    if (this.kind === 'sqlite') {
      // This connection only: a big page cache for the bulk load.
      await m.query('PRAGMA cache_size = -262144');
      await m.query('PRAGMA temp_store = MEMORY');
    }
    this.time = new WorkingTimeTable(this.calendar, amsterdamDay(new Date(this.now.getTime() - 400 * DAY)), amsterdamDay(new Date(this.now.getTime() + 120 * DAY)));
    const policies = new Map<string, ClockTargets>();
    for (const row of (await m.query('SELECT priority, first_response_days, answer_days, reminder_pct FROM sla_policies')) as Record<string, unknown>[]) {
      policies.set(String(row.priority), { firstResponseDays: Number(row.first_response_days), answerDays: Number(row.answer_days), reminderPct: Number(row.reminder_pct) });
    }
    const orgs = ((await m.query('SELECT code, type, name, province_code FROM organisations WHERE valid_to IS NULL ORDER BY code')) as Record<string, unknown>[]).map((o) => ({
      code: String(o.code),
      type: String(o.type),
      name: String(o.name),
      provinceCode: o.province_code ? String(o.province_code) : null,
    }));
    const keuzeTheme = new Map(((await m.query('SELECT id, theme_id FROM keuzes ORDER BY id')) as { id: number; theme_id: number }[]).map((k) => [Number(k.id), Number(k.theme_id)]));

    const people = await this.createPeople(orgs, keuzeTheme);
    this.log(`Created ${people.experts.length} experts, ${people.requesterCount} requesters, ${people.coordinators.length} coordinators, ${people.secretariat.length} secretariat members`);

    const n = this.options.questions;
    // A big load goes faster without the secondary indexes: built once at the end (a sort) instead of
    // updated row by row. They come back in `finally`, also when the load fails.
    const dropped = n >= (this.options.bulkIndexThreshold ?? BULK_INDEX_THRESHOLD) ? await this.dropSecondaryIndexes() : [];
    try {
      await this.load(n, orgs, people, keuzeTheme, policies, started);
    } finally {
      if (dropped.length) {
        this.log(`Rebuilding ${dropped.length} indexes …`);
        for (const sql of dropped) await m.query(sql);
      }
    }

    const reminders = await this.pastReminders();
    if (reminders > 0) this.log(`Wrote ${reminders} assignment reminder(s) as sent at their due time`);

    let articles = 0;
    try {
      articles = await this.knowledge(this.articleCandidates.slice(0, this.candidateTarget / 2), people, n);
    } finally {
      this.clock.now = realNow;
    }
    // Planner statistics for the new data (SQLite: sampled, so this stays quick on millions of rows).
    if (this.kind === 'sqlite') await m.query('PRAGMA analysis_limit = 2000');
    await m.query('ANALYZE');
    // The statistics cells of every seeded day, now rather than at the first statistics request.
    const cellsStarted = Date.now();
    const days = await this.app.get(StatisticsCells).refresh();
    this.log(`Statistics cells of ${days} days computed in ${((Date.now() - cellsStarted) / 1000).toFixed(1)} s`);
    return { questions: n, experts: people.experts.length, requesters: people.requesterCount, articles, milliseconds: Date.now() - started };
  }

  private articleCandidates: { id: string; closedAt: Date; keuze: number; expert: string }[] = [];
  private candidateTarget = 10;

  /** Secondary indexes of the tables the generator fills: dropped, returning the statements that recreate them. */
  private async dropSecondaryIndexes(): Promise<string[]> {
    const m = this.db.manager;
    const list = BULK_TABLES.map((t) => `'${t}'`).join(', ');
    const rows = (await m.query(
      this.kind === 'postgres'
        ? `SELECT i.indexname AS name, i.indexdef AS sql FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename IN (${list})
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`
        : `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${list})`,
    )) as { name: string; sql: string }[];
    for (const row of rows) await m.query(`DROP INDEX "${row.name}"`);
    this.log(`Dropped ${rows.length} secondary indexes for the bulk load`);
    return rows.map((row) => row.sql);
  }

  private async load(
    n: number,
    orgs: Org[],
    people: Awaited<ReturnType<DemoSeeder['createPeople']>>,
    keuzeTheme: Map<number, number>,
    policies: Map<string, ClockTargets>,
    started: number,
  ): Promise<void> {
    const times = this.submissionTimes(n);
    const counters = new Map<number, number>();
    const articleCandidates = this.articleCandidates;
    const candidateTarget = (this.candidateTarget = Math.max(5, Math.min(300, Math.round(n / 400))) * 2);
    let seen = 0;
    for (let start = 0; start < n; start += CHUNK) {
      const end = Math.min(n, start + CHUNK);
      const rows = this.emptyBatch();
      for (let i = start; i < end; i++) {
        const candidate = this.question(new Date(times[i]), orgs, people, keuzeTheme, policies, counters, rows);
        if (candidate) {
          // Reservoir sample of closed questions to write articles from.
          seen++;
          if (articleCandidates.length < candidateTarget) articleCandidates.push(candidate);
          else if (this.random.next() < candidateTarget / seen) articleCandidates[this.random.int(candidateTarget)] = candidate;
        }
      }
      await this.db.transaction(async (tx) => {
        await this.insert(tx, 'questions', QUESTION_COLUMNS, rows.questions);
        await this.insert(tx, 'question_keuzes', ['question_id', 'keuze_id', 'theme_id'], rows.keuzes);
        await this.insert(tx, 'question_events', ['id', 'question_id', 'type', 'actor_id', 'from_status', 'to_status', 'reason', 'details', 'occurred_at'], rows.events);
        await this.insert(tx, 'question_messages', ['id', 'question_id', 'author_id', 'body', 'internal', 'created_at'], rows.messages);
        await this.insert(tx, 'question_ratings', ['question_id', 'score', 'comment', 'created_at'], rows.ratings);
        await this.insert(tx, 'question_sla', SLA_COLUMNS, rows.sla);
        await this.insert(tx, 'question_sla_keuzes', ['question_id', 'kind', 'round', 'keuze_id', 'theme_id', 'theme_first', 'measured_days', 'met', 'submitted_at', 'organisation_code', 'period_quarter'], rows.slaKeuzes);
        await this.insert(tx, 'sla_events', ['id', 'question_id', 'kind', 'round', 'type', 'occurred_at', 'details'], rows.slaEvents);
      });
      if (end === n || (end / CHUNK) % 20 === 0) this.log(`Questions: ${end} of ${n} (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    await this.db.transaction(async (tx) => {
      for (const [year, last] of counters) {
        const p = new SqlParams(this.kind);
        const lastNumber = p.add(last);
        await tx.query(`INSERT INTO reference_counters (year, last_number) VALUES (${p.add(year)}, ${lastNumber}) ON CONFLICT (year) DO UPDATE SET last_number = ${lastNumber}`, p.values);
      }
    });
  }

  private emptyBatch() {
    return { questions: [] as unknown[][], keuzes: [] as unknown[][], events: [] as unknown[][], messages: [] as unknown[][], ratings: [] as unknown[][], sla: [] as unknown[][], slaKeuzes: [] as unknown[][], slaEvents: [] as unknown[][] };
  }

  /** Multi-row INSERT in statements below the parameter limits. */
  private async insert(m: EntityManager, table: string, columns: string[], rows: unknown[][]): Promise<void> {
    const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
    for (let i = 0; i < rows.length; i += perStatement) {
      const slice = rows.slice(i, i + perStatement);
      const p = new SqlParams(this.kind);
      const tuples = slice.map((row) => `(${p.list(row)})`);
      await m.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(',')}`, p.values);
    }
  }

  // ---- people -------------------------------------------------------------------------------

  private async createPeople(orgs: Org[], keuzeTheme: Map<number, number>) {
    const r = this.random;
    const now = this.ts(new Date(this.now.getTime() - 400 * DAY));
    const users: unknown[][] = [];
    const expertise: unknown[][] = [];
    const usedEmails = new Set<string>();
    const person = (domain: string) => {
      for (;;) {
        const first = r.pick(FIRST_NAMES);
        const last = r.pick(LAST_NAMES);
        const email = `${first}.${last}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '') + `@${domain}`;
        if (!usedEmails.has(email)) {
          usedEmails.add(email);
          return { name: `${first} ${last}`, email };
        }
      }
    };
    const user = (roles: string[], domain: string, organisationCode: string | null, capacity: number | null = null) => {
      const id = this.id();
      const p = person(domain);
      users.push([id, p.email, p.name, organisationCode, `,${[...roles].sort().join(',')},`, this.bool(true), capacity, 'immediate', now, now]);
      return { id, name: p.name };
    };
    // Demo people get addresses under `.example` (RFC 2606): no mail server delivers there, so
    // whatever a running app later mails them reaches no real organisation.
    const coordinators = [user(['coordinator'], 'minienw.example', 'MIN-IENW'), user(['coordinator', 'expert'], 'minienw.example', 'MIN-IENW')];
    const secretariat = [user(['secretariat'], 'minienw.example', 'MIN-IENW'), user(['secretariat'], 'minienw.example', 'MIN-IENW')];
    // ≈40 experts; every keuze covered by at least two, some experts cover a whole theme.
    const experts: { id: string; name: string }[] = [coordinators[1]];
    const homes = ['minienw.example', 'rws.example', 'uvw.example', 'vng.example', 'ipo.example', 'deltares.example'];
    for (let i = 0; i < 39; i++) experts.push(user(['expert'], r.pick(homes), null));
    const byKeuze = new Map<number, string[]>();
    const cover = (expertId: string, keuze: number) => {
      const list = byKeuze.get(keuze) ?? [];
      if (!list.includes(expertId)) {
        list.push(expertId);
        byKeuze.set(keuze, list);
        return true;
      }
      return false;
    };
    const keuzes = [...keuzeTheme.keys()];
    experts.forEach((e, i) => {
      const main = keuzes[i % keuzes.length];
      const theme = keuzeTheme.get(main)!;
      if (i % 7 === 3) {
        expertise.push([this.id(), e.id, null, theme]);
        for (const k of keuzes.filter((k) => keuzeTheme.get(k) === theme)) cover(e.id, k);
        return;
      }
      const own = new Set([main, keuzes[(i + 11) % keuzes.length]]);
      const sameTheme = keuzes.filter((k) => keuzeTheme.get(k) === theme);
      for (let extra = r.int(3); extra > 0; extra--) own.add(r.pick(sameTheme));
      for (const k of own) {
        if (cover(e.id, k)) expertise.push([this.id(), e.id, k, null]);
      }
    });
    // Requesters: one or more per organisation, more for municipalities that ask more.
    const requesters = new Map<string, string[]>();
    let requesterCount = 0;
    for (const org of orgs) {
      const domain = `${org.code.toLowerCase()}.example`;
      const count = org.type === 'municipality' ? 1 + r.int(3) : org.type === 'other' ? 1 : 1 + r.int(2);
      const list: string[] = [];
      for (let i = 0; i < count; i++) list.push(user(['requester'], domain, org.code).id);
      requesters.set(org.code, list);
      requesterCount += count;
    }
    await this.db.transaction(async (m) => {
      await this.insert(m, 'users', ['id', 'email', 'display_name', 'organisation_code', 'roles', 'active', 'capacity', 'mail_preference', 'created_at', 'updated_at'], users);
      await this.insert(m, 'user_expertise', ['id', 'user_id', 'keuze_id', 'theme_id'], expertise);
    });
    return { experts, coordinators, secretariat, requesters, requesterCount, byKeuze };
  }

  // ---- questions ----------------------------------------------------------------------------

  /** Submission instants over the past year, growing towards now, mostly in office hours; sorted. */
  private submissionTimes(n: number): Float64Array {
    const r = this.random;
    const end = this.now.getTime() - HOUR;
    const span = 365 * DAY;
    const times = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let attempt = 0; attempt < 6; attempt++) {
        // Density rising linearly from 1 to 3 over the year (the pilot finds its audience).
        const u = r.next();
        const x = (Math.sqrt(1 + 8 * u) - 1) / 2; // inverse CDF of (1 + 2x) / 2 on [0, 1]
        t = end - span + x * span;
        const office = this.time.workingTimeBetween(new Date(t), new Date(t + 1)) === 1;
        if (office || r.next() < 0.12) break;
      }
      times[i] = Math.floor(Math.min(t, end));
    }
    return times.sort();
  }

  private question(
    submittedAt: Date,
    orgs: Org[],
    people: Awaited<ReturnType<DemoSeeder['createPeople']>>,
    keuzeTheme: Map<number, number>,
    policies: Map<string, ClockTargets>,
    counters: Map<number, number>,
    rows: ReturnType<DemoSeeder['emptyBatch']>,
  ): { id: string; closedAt: Date; keuze: number; expert: string } | null {
    const r = this.random;
    const time = this.time;
    const id = this.id();
    const orgType = r.weighted([
      ['municipality', 70],
      ['province', 9],
      ['water_board', 13],
      ['central_government', 6],
      ['other', 2],
    ] as const);
    const candidates = orgs.filter((o) => o.type === orgType);
    const org = candidates.length ? r.pick(candidates) : r.pick(orgs);
    const requester = r.pick(people.requesters.get(org.code)!);
    // Popular keuzes (building, peat, sandy soils) come up more often; a second keuze mostly from the same theme.
    const main = r.weighted([...keuzeTheme.keys()].map((k) => [k, [21, 22, 25, 7, 30, 2, 23, 10].includes(k) ? 4 : 1] as const));
    const keuzeIds = [main];
    if (r.next() < 0.3) {
      const sameTheme = [...keuzeTheme.keys()].filter((k) => keuzeTheme.get(k) === keuzeTheme.get(main) && k !== main);
      const second = sameTheme.length && r.next() < 0.7 ? r.pick(sameTheme) : 1 + r.int(33);
      if (!keuzeIds.includes(second) && keuzeTheme.has(second)) keuzeIds.push(second);
    }
    const expertList = people.byKeuze.get(main) ?? people.experts.map((e) => e.id);
    const expert = r.pick(expertList);
    const coordinator = r.pick(people.coordinators).id;
    const topic = r.pick(KEUZE_TOPICS[main] ?? ['Water en Bodem Sturend']);
    const place = org.type === 'municipality' ? org.name : r.pick(['het plangebied', 'ons beheergebied', 'de regio', org.name]);
    const slots = { topic, place, project: r.pick(PROJECTS), actor: r.pick(ACTORS), keuze: main };
    const title = fill(r.pick(TITLE_TEMPLATES), slots).slice(0, 200);
    const body = [r.pick(BODY_SENTENCES), r.pick(BODY_SENTENCES), r.pick(BODY_SENTENCES)].map((s) => fill(s, slots)).join(' ');

    const urgent = r.next() < 0.08;
    const speed = urgent ? 0.45 : 1;
    const events: DemoEvent[] = [{ type: 'submitted', at: submittedAt, actor: requester, from: null, to: 'submitted' }];
    let assignedAt = submittedAt;
    if (r.next() < 0.03) {
      events.push({ type: 'unroutable', at: submittedAt, actor: null, from: 'submitted', to: 'triage', details: { reason: 'Geen beschikbare expert met passende expertise.' } });
      assignedAt = time.addWorkingTime(submittedAt, r.logNormal(2, 0.8) * HOUR);
      events.push({ type: 'assigned', at: assignedAt, actor: coordinator, from: 'triage', to: 'assigned', details: { expertId: expert, by: 'coordinator' } });
    } else {
      events.push({ type: 'routed', at: submittedAt, actor: null, from: 'submitted', to: 'assigned', details: { chosenExpertId: expert } });
    }
    if (urgent) events.push({ type: 'priority_changed', at: new Date(assignedAt.getTime() + 20 * 60_000), actor: coordinator, from: null, to: null, details: { from: 'normal', to: 'urgent' } });
    const respondAt = time.addWorkingTime(assignedAt, Math.min(80, Math.max(0.05, r.logNormal(5, 0.9) * speed)) * HOUR);
    const outcome = r.weighted([
      ['referred', 7],
      ['withdrawn', 4],
      ['answered', 89],
    ] as const);
    let closedAt: Date | null = null;
    let lastAnswer: Date | null = null;
    let referredTo: string | null = null;
    if (outcome === 'referred') {
      const [to, reason] = r.pick(REFERRAL_TARGETS);
      referredTo = to;
      events.push({ type: 'referred', at: respondAt, actor: expert, from: 'assigned', to: 'referred', reason, details: { to } });
      closedAt = respondAt;
    } else {
      events.push({ type: 'accepted', at: respondAt, actor: expert, from: 'assigned', to: 'in_progress' });
      let cursor = respondAt;
      if (r.next() < 0.18) {
        const askedAt = time.addWorkingTime(cursor, r.logNormal(3, 0.8) * HOUR);
        const message = r.pick(CLARIFICATIONS);
        events.push({ type: 'clarification_requested', at: askedAt, actor: expert, from: 'in_progress', to: 'awaiting_requester', reason: message, message: { author: expert, body: message } });
        cursor = time.addWorkingTime(askedAt, r.logNormal(10, 0.9) * HOUR);
        events.push({ type: 'requester_replied', at: cursor, actor: requester, from: 'awaiting_requester', to: 'in_progress', message: { author: requester, body: 'Zie de toelichting hierbij; het gaat om het noordelijk deel van het plangebied.' } });
      }
      if (outcome === 'withdrawn') {
        closedAt = time.addWorkingTime(cursor, r.logNormal(6, 1) * HOUR);
        events.push({ type: 'withdrawn', at: closedAt, actor: requester, from: 'in_progress', to: 'withdrawn' });
      } else {
        lastAnswer = time.addWorkingTime(cursor, Math.min(300, Math.max(0.5, r.logNormal(14, 0.9) * speed)) * HOUR);
        events.push({ type: 'answered', at: lastAnswer, actor: expert, from: 'in_progress', to: 'answered' });
        if (r.next() < 0.06) {
          const reason = r.pick(REOPEN_REASONS);
          const reopenedAt = time.addWorkingTime(lastAnswer, r.logNormal(10, 0.8) * HOUR);
          events.push({ type: 'reopened', at: reopenedAt, actor: requester, from: 'answered', to: 'in_progress', reason, message: { author: requester, body: reason } });
          lastAnswer = time.addWorkingTime(reopenedAt, Math.max(0.5, r.logNormal(8, 0.8) * speed) * HOUR);
          events.push({ type: 'answered', at: lastAnswer, actor: expert, from: 'in_progress', to: 'answered' });
        }
        const autoClose = this.calendar.addWorkingDays(lastAnswer, 10);
        const confirmAt = r.next() < 0.62 ? time.addWorkingTime(lastAnswer, r.logNormal(8, 1) * HOUR) : null;
        const confirmed = confirmAt !== null && confirmAt < autoClose;
        closedAt = confirmed ? confirmAt : autoClose;
        events.push(
          confirmed
            ? { type: 'confirmed', at: closedAt, actor: requester, from: 'answered', to: 'closed' }
            : { type: 'auto_closed', at: closedAt, actor: null, from: 'answered', to: 'closed', reason: '10 werkdagen na het antwoord' },
        );
        if (r.next() < (confirmed ? 0.55 : 0.2)) {
          const slow = (lastAnswer.getTime() - submittedAt.getTime()) / DAY > 14;
          const score = r.weighted([
            [5, slow ? 20 : 42],
            [4, 35],
            [3, slow ? 25 : 13],
            [2, slow ? 12 : 6],
            [1, slow ? 8 : 4],
          ] as const);
          events.push({ type: 'rated', at: new Date(closedAt.getTime() + r.logNormal(6, 1.2) * HOUR), actor: requester, from: null, to: null, details: { score } });
        }
      }
    }

    // What has happened by now.
    const happened = events.filter((e) => e.at <= this.now).sort((a, b) => a.at.getTime() - b.at.getTime());
    let status: Status = 'submitted';
    let version = 1;
    let assignee: string | null = null;
    let assigned: Date | null = null;
    let answeredAt: Date | null = null;
    let reopenCount = 0;
    let priority = 'normal';
    let rating: number | null = null;
    let ratedAt: Date | null = null;
    for (const e of happened) {
      if (e.to) status = e.to;
      if (e.type !== 'submitted' && e.type !== 'rated') version++;
      if (e.type === 'routed' || e.type === 'assigned') {
        assignee = expert;
        assigned = e.at;
      }
      if (e.type === 'answered') answeredAt = e.at;
      if (e.type === 'reopened') reopenCount++;
      if (e.type === 'priority_changed') priority = 'urgent';
      if (e.type === 'rated') {
        rating = e.details!.score as number;
        ratedAt = e.at;
      }
    }
    const final = status === 'closed' || status === 'referred' || status === 'withdrawn';
    const year = Number(amsterdamDay(submittedAt).slice(0, 4));
    const number = (counters.get(year) ?? 0) + 1;
    counters.set(year, number);
    const last = happened[happened.length - 1].at;
    const answerBody = answeredAt ? [r.pick(ANSWER_SENTENCES), r.pick(ANSWER_SENTENCES), r.pick(ANSWER_SENTENCES)].map((s) => fill(s, slots)).join(' ') : null;
    rows.questions.push([
      id,
      formatReference(year, number),
      title,
      body,
      null,
      org.code,
      requester,
      status,
      priority,
      assignee,
      null,
      null,
      assignee ? 1 : 0,
      this.bool(false),
      answerBody,
      status === 'referred' ? referredTo : null,
      reopenCount,
      null,
      this.bool(false),
      this.ts(submittedAt),
      this.ts(assigned),
      this.ts(answeredAt),
      this.ts(final ? closedAt : null),
      this.ts(status === 'answered' && lastAnswer ? this.calendar.addWorkingDays(lastAnswer, 10) : null),
      this.ts(last),
      version,
    ]);
    for (const k of keuzeIds) rows.keuzes.push([id, k, keuzeTheme.get(k)]);
    for (const e of happened) {
      rows.events.push([this.id(), id, e.type, e.actor, e.from, e.to, e.reason ?? null, e.details ? JSON.stringify(e.details) : null, this.ts(e.at)]);
      if (e.message) rows.messages.push([this.id(), id, e.message.author, e.message.body, this.bool(false), this.ts(e.at)]);
    }
    if (rating !== null) rows.ratings.push([id, rating, rating >= 4 ? 'Helder en snel antwoord, dank.' : rating <= 2 ? 'Het antwoord hielp ons onvoldoende verder.' : null, this.ts(ratedAt)]);

    // SLA clocks: the same replay as the live app, on the same calendar.
    const { clocks, events: slaEvents } = replayClocks(
      happened.map((e) => ({ type: e.type, occurredAt: e.at })),
      { time, priority, targets: policies.get(priority) ?? policies.get('normal')!, now: this.now },
    );
    const dims = dimensionsOf(submittedAt, org, assignee);
    for (const k of keuzeRowsOf({ id, submittedAt, organisationCode: org.code }, keuzeIds.map((keuzeId) => ({ keuzeId, themeId: keuzeTheme.get(keuzeId)! })), clocks.map((c) => ({ ...c, periodQuarter: dims.periodQuarter })))) {
      rows.slaKeuzes.push([k.questionId, k.kind, k.round, k.keuzeId, k.themeId, this.bool(k.themeFirst), k.measuredDays, this.bool(k.met), this.ts(k.submittedAt), k.organisationCode, k.periodQuarter]);
    }
    for (const c of clocks) {
      const end = c.stoppedAt && c.stoppedAt < this.now ? c.stoppedAt : this.now;
      const remindedAt = c.remindAt && c.remindAt <= end && (!c.dueAt || c.remindAt < c.dueAt) ? c.remindAt : null;
      const breachNotifiedAt = c.breachedAt && c.breachedAt <= this.now ? c.breachedAt : null;
      const alarmAt = alarmOf({ ...c, remindedAt: remindedAt ?? (c.breachedAt ? c.breachedAt : null), breachNotifiedAt });
      rows.sla.push([
        this.id(),
        id,
        c.kind,
        c.round,
        c.priority,
        c.targetDays,
        this.ts(submittedAt),
        org.code,
        dims.organisationType,
        dims.provinceCode,
        dims.periodMonth,
        dims.periodQuarter,
        dims.assigneeId,
        this.ts(c.startedAt),
        this.ts(c.dueAt),
        this.ts(c.remindAt),
        c.pausedMs,
        this.ts(c.pausedSince),
        this.ts(c.stoppedAt),
        this.bool(c.cancelled),
        c.measuredMs,
        c.measuredDays,
        this.bool(c.met),
        this.ts(c.breachedAt),
        this.ts(remindedAt),
        this.ts(breachNotifiedAt),
        this.ts(alarmAt),
        this.ts(last),
      ]);
    }
    for (const e of slaEvents) rows.slaEvents.push([this.id(), id, e.kind, e.round, e.type, this.ts(e.occurredAt), e.details ? JSON.stringify(e.details) : null]);
    return status === 'closed' && closedAt && answeredAt ? { id, closedAt, keuze: main, expert } : null;
  }

  /**
   * The reminders the live app would already have mailed about assignments still unaccepted now,
   * written as sent at their due time: history, as the clocks' `remindedAt` is, so that a running
   * app finds no reminder due at its first start and mails no demo person. The app's own rule
   * (QuestionJobs.dueReminders) decides which, and its own code writes them.
   */
  private async pastReminders(): Promise<number> {
    const jobs = this.app.get(QuestionJobs, { strict: false });
    const due = await jobs.dueReminders(this.now);
    for (let i = 0; i < due.length; i += 200) {
      await this.db.transaction(async (m) => {
        for (const { payload, dueAt } of due.slice(i, i + 200)) {
          const ids = await jobs.writeReminder(m, payload);
          if (ids.length) await m.update(NotificationOutbox, { id: In(ids) }, { status: 'sent', attempts: 1, createdAt: dueAt, claimedAt: dueAt, sentAt: dueAt });
        }
      });
    }
    return due.length;
  }

  // ---- knowledge ----------------------------------------------------------------------------

  /** Published articles from a sample of closed questions, their reuse in later answers, and search analytics. */
  private async knowledge(candidates: { id: string; closedAt: Date; keuze: number; expert: string }[], people: Awaited<ReturnType<DemoSeeder['createPeople']>>, n: number): Promise<number> {
    const m = this.db.manager;
    const tables = (await m.query(
      this.kind === 'postgres'
        ? `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('articles', 'article_reuse', 'knowledge_searches')`
        : `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('articles', 'article_reuse', 'knowledge_searches')`,
    )) as { name: string }[];
    if (tables.length < 3) {
      this.log('No knowledge base tables: skipping articles');
      return 0;
    }
    let knowledge: KnowledgeService;
    try {
      knowledge = this.app.get(KnowledgeService, { strict: false });
    } catch {
      this.log('No knowledge module: skipping articles');
      return 0;
    }
    const principal = async (id: string): Promise<Principal> => ({ user: await m.findOneByOrFail(User, { id }), via: 'bearer', mfaSatisfied: true });
    // An article is started by the expert who answered the question (only they, coordinators and the
    // secretariat may).
    const authors = new Map<string, Principal>();
    const publisher = await principal(people.secretariat[0].id);
    const actor = { actorId: null, ip: 'demo:seed' };
    const published: { id: string; at: Date; keuze: number }[] = [];
    for (const candidate of candidates.sort((a, b) => a.closedAt.getTime() - b.closedAt.getTime())) {
      const draftAt = new Date(candidate.closedAt.getTime() + this.random.logNormal(2, 0.6) * DAY);
      const publishAt = new Date(draftAt.getTime() + this.random.logNormal(3, 0.6) * DAY);
      if (publishAt >= this.now) continue;
      try {
        this.clock.now = () => new Date(draftAt);
        const author = authors.get(candidate.expert) ?? (await principal(candidate.expert));
        authors.set(candidate.expert, author);
        const draft = await knowledge.createFromQuestion(candidate.id, author, actor);
        await knowledge.transition(draft.id, 'submit', author, actor);
        this.clock.now = () => new Date(publishAt);
        await knowledge.transition(draft.id, 'publish', publisher, actor);
        published.push({ id: draft.id, at: publishAt, keuze: candidate.keuze });
      } catch (error) {
        this.log(`Article from ${candidate.id} skipped: ${(error as Error).message}`);
      }
    }
    this.log(`Published ${published.length} articles`);

    // Reuse: answers after publication that pointed to an article on the same keuze.
    const perArticle = Math.max(1, Math.min(50, Math.round((n * 0.03) / Math.max(1, published.length))));
    const reuse: unknown[][] = [];
    for (const article of published) {
      const from = `${(this.idBase + this.random.int(this.idCounter)).toString(16).padStart(12, '0').slice(0, 8)}`;
      const p = new SqlParams(this.kind);
      const rows = (await m.query(
        `SELECT qk.question_id AS id, q.answered_at AS answered_at FROM question_keuzes qk JOIN questions q ON q.id = qk.question_id
          WHERE qk.keuze_id = ${p.add(article.keuze)} AND qk.question_id > ${p.add(from)} AND q.answered_at > ${p.time(article.at)}
          ORDER BY qk.question_id LIMIT ${perArticle}`,
        p.values,
      )) as { id: string; answered_at: unknown }[];
      for (const row of rows) reuse.push([this.id(), article.id, row.id, this.ts(parseTime(row.answered_at))]);
    }
    const searches: unknown[][] = [];
    const count = Math.min(20_000, Math.max(200, Math.round(n / 20)));
    for (let i = 0; i < count; i++) {
      const at = new Date(this.now.getTime() - this.random.next() * 365 * DAY);
      const gap = this.random.next() < 0.3;
      const [text, theme] = gap ? this.random.pick(GAP_SEARCHES) : [this.random.pick(Object.values(KEUZE_TOPICS).flat()), null];
      const key = text.toLowerCase().split(/\s+/).sort().join(' ');
      searches.push([this.id(), this.ts(at), text, key, null, theme, null, gap ? 'all' : 'all', gap ? 0 : 1 + this.random.int(20), theme, this.bool(this.random.next() < 0.1)]);
    }
    await this.db.transaction(async (tx) => {
      await this.insert(tx, 'article_reuse', ['id', 'article_id', 'question_id', 'reused_at'], reuse);
      await this.insert(tx, 'knowledge_searches', ['id', 'searched_at', 'query_text', 'query_key', 'keuze_id', 'theme_id', 'status_filter', 'match_mode', 'result_count', 'gap_theme_id', 'staff'], searches);
    });
    this.log(`Recorded ${reuse.length} reuses of articles and ${searches.length} searches`);
    return published.length;
  }
}

const QUESTION_COLUMNS = [
  'id',
  'reference',
  'title',
  'body',
  'context',
  'organisation_code',
  'requester_id',
  'status',
  'priority',
  'assignee_id',
  'desired_answer_date',
  'routing_note',
  'assignment_count',
  'needs_handover',
  'answer_body',
  'referred_to',
  'reopen_count',
  'suggestion_id',
  'consent_to_name_organisation',
  'submitted_at',
  'assigned_at',
  'answered_at',
  'closed_at',
  'auto_close_at',
  'updated_at',
  'version',
];

const SLA_COLUMNS = [
  'id',
  'question_id',
  'kind',
  'round',
  'priority',
  'target_days',
  'submitted_at',
  'organisation_code',
  'organisation_type',
  'province_code',
  'period_month',
  'period_quarter',
  'assignee_id',
  'started_at',
  'due_at',
  'remind_at',
  'paused_ms',
  'paused_since',
  'stopped_at',
  'cancelled',
  'measured_ms',
  'measured_days',
  'met',
  'breached_at',
  'reminded_at',
  'breach_notified_at',
  'alarm_at',
  'updated_at',
];

function parseTime(value: unknown): Date {
  if (value instanceof Date) return value;
  const text = String(value);
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
}

/** `demo:seed` from the CLI: the app's services without HTTP or workers, on the configured database. */
export async function runDemoSeed(config: AppConfig, options: DemoSeedOptions): Promise<DemoSeedResult> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { role: 'cli' }), {
    logger: new PinoNestLogger(createRootLogger(config, 'stderr')),
    abortOnError: false,
  });
  try {
    return await new DemoSeeder(app, options).run();
  } finally {
    await app.close();
  }
}
