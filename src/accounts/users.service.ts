import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { Clock, amsterdamDay } from '../common/clock.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { Page, pageOf } from '../common/pagination.js';
import type { Role } from '../common/access.js';
import { AuditActor, AuditService } from '../audit/index.js';
import { Database } from '../infra/database/database.service.js';
import { organisationFacts } from '../organisations/index.js';
import { AccountEvents } from './account-events.js';
import { AuthService, normaliseEmail } from './auth.service.js';
import { AbsenceDto, CreateAbsenceDto, CreateUserDto, ExpertiseInputDto, UpdateMeDto, UpdateUserDto, UserDto, UserQuery } from './accounts.dto.js';
import { Absence, User, UserExpertise } from './user.entity.js';

export interface UserFields {
  email: string;
  displayName?: string;
  roles: Role[];
  organisationCode?: string | null;
  expertise?: ExpertiseInputDto;
  capacity?: number | null;
}

/** Members and their roles, expertise, capacity and absences. */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
    private readonly events: AccountEvents,
  ) {}

  async list(query: UserQuery): Promise<Page<UserDto>> {
    const qb = this.db.manager.createQueryBuilder(User, 'u');
    if (query.role) qb.andWhere('u.roles LIKE :role', { role: `%,${query.role},%` });
    if (query.active !== undefined) qb.andWhere('u.active = :active', { active: query.active });
    if (query.q) {
      const q = `%${query.q.trim().toLowerCase().replace(/[%_\\]/g, '')}%`;
      qb.andWhere('(LOWER(u.display_name) LIKE :q OR u.email LIKE :q)', { q });
    }
    qb.orderBy('u.display_name', 'ASC').addOrderBy('u.id', 'ASC').offset(query.offset).limit(query.pageSize);
    const [users, total] = await qb.getManyAndCount();
    return pageOf(await this.toDtos(users), total, query);
  }

  async get(id: string): Promise<UserDto> {
    return (await this.toDtos([await this.find(this.db.manager, id)]))[0];
  }

  async find(m: EntityManager, id: string): Promise<User> {
    const user = await m.findOneBy(User, { id });
    if (!user) throw new NotFoundError('Gebruiker', id);
    return user;
  }

  /** Invites a new member: creates the user and mails a sign-in link valid for a week. */
  async invite(input: CreateUserDto, actor: AuditActor): Promise<UserDto> {
    const email = normaliseEmail(input.email);
    const user = await this.db.transaction(async (m) => {
      if (await m.existsBy(User, { email })) throw new ConflictError(`Er bestaat al een gebruiker met e-mailadres ${email}.`, 'user-exists');
      const created = await this.create(m, { ...input, email }, actor);
      await this.issueInvitation(m, created, actor);
      return created;
    });
    return this.get(user.id);
  }

  /**
   * Creates or updates a user by e-mail (CLI `user:add`, idempotent). With `invite`, the user
   * also gets the invitation mail of `invite` (a fresh link valid for a week, in the same
   * transaction, dispatched by its commit); its outbox id is returned.
   */
  async upsert(fields: UserFields, actor: AuditActor, options: { invite?: boolean } = {}): Promise<{ user: UserDto; created: boolean; invitationOutboxId: string | null }> {
    const { id, created, invitationOutboxId } = await this.db.transaction(async (m) => {
      const result = await this.upsertWithin(m, fields, actor);
      return { ...result, invitationOutboxId: options.invite ? await this.issueInvitation(m, await this.find(m, result.id), actor) : null };
    });
    return { user: await this.get(id), created, invitationOutboxId };
  }

  /** The invitation link and its mail for a user, inside the caller's transaction; returns the outbox id. */
  private async issueInvitation(m: EntityManager, user: User, actor: AuditActor): Promise<string> {
    if (!user.active) throw new ConflictError(`Gebruiker ${user.email} is gedeactiveerd en kan niet worden uitgenodigd.`, 'user-inactive');
    return this.auth.issueLink(m, { email: user.email, userId: user.id, organisationCode: null, purpose: 'invitation', invitedRoles: user.roles }, this.clock.now(), actor);
  }

  async upsertWithin(m: EntityManager, fields: UserFields, actor: AuditActor): Promise<{ id: string; created: boolean }> {
    const email = normaliseEmail(fields.email);
    const existing = await m.findOneBy(User, { email });
    if (!existing) return { id: (await this.create(m, { ...fields, email }, actor)).id, created: true };
    await this.applyUpdate(m, existing, fields, actor);
    return { id: existing.id, created: false };
  }

  private async create(m: EntityManager, fields: UserFields, actor: AuditActor): Promise<User> {
    await this.validateFields(m, fields.roles, fields.organisationCode ?? null);
    const now = this.clock.now();
    const user = User.create(fields, now);
    await m.insert(User, user);
    if (fields.expertise) await this.replaceExpertise(m, user.id, fields.expertise);
    await this.audit.record(actor, { action: 'user.create', objectType: 'user', objectId: user.id, details: { roles: user.roles } }, m);
    return user;
  }

  async update(id: string, input: UpdateUserDto, actor: AuditActor): Promise<UserDto> {
    await this.db.transaction(async (m) => this.applyUpdate(m, await this.find(m, id), input, actor));
    return this.get(id);
  }

  private async applyUpdate(m: EntityManager, user: User, input: Partial<UserFields> & { mailPreference?: User['mailPreference'] }, actor: AuditActor) {
    const roles = input.roles ?? user.roles;
    const organisationCode = input.organisationCode === undefined ? user.organisationCode : input.organisationCode?.toUpperCase() ?? null;
    await this.validateFields(m, roles, organisationCode);
    const changes: Partial<User> = { updatedAt: this.clock.now() };
    if (input.displayName !== undefined) changes.displayName = input.displayName;
    if (input.roles !== undefined) changes.roles = roles;
    if (input.organisationCode !== undefined) changes.organisationCode = organisationCode;
    if (input.capacity !== undefined) changes.capacity = input.capacity;
    if (input.mailPreference !== undefined) changes.mailPreference = input.mailPreference;
    await m.update(User, { id: user.id }, changes);
    if (input.expertise) await this.replaceExpertise(m, user.id, input.expertise);
    const changed = Object.keys(changes).filter((k) => k !== 'updatedAt').concat(input.expertise ? ['expertise'] : []);
    await this.audit.record(actor, { action: 'user.update', objectType: 'user', objectId: user.id, details: { changed, ...(input.roles ? { roles } : {}) } }, m);
  }

  private async validateFields(m: EntityManager, roles: Role[], organisationCode: string | null): Promise<void> {
    if (roles.length === 0) throw new InvalidInputError([{ name: 'roles', reason: 'kies minstens één rol' }]);
    if (roles.includes('requester') && !organisationCode) {
      throw new InvalidInputError([{ name: 'organisationCode', reason: 'is verplicht voor een vraagsteller' }]);
    }
    if (organisationCode && !(await organisationFacts(m, organisationCode))) {
      throw new InvalidInputError([{ name: 'organisationCode', reason: `organisatie ${organisationCode} bestaat niet` }]);
    }
  }

  private async replaceExpertise(m: EntityManager, userId: string, expertise: ExpertiseInputDto): Promise<void> {
    await m.delete(UserExpertise, { userId });
    const rows = [
      ...(expertise.keuzeIds ?? []).map((keuzeId) => ({ id: randomUUID(), userId, keuzeId, themeId: null })),
      ...(expertise.themeIds ?? []).map((themeId) => ({ id: randomUUID(), userId, keuzeId: null, themeId })),
    ];
    if (rows.length) await m.insert(UserExpertise, rows);
  }

  async setActive(id: string, active: boolean, actor: AuditActor): Promise<UserDto> {
    await this.db.transaction(async (m) => {
      const user = await this.find(m, id);
      if (user.active === active) return;
      const now = this.clock.now();
      await m.update(User, { id }, { active, deactivatedAt: active ? null : now, updatedAt: now });
      if (!active) await this.auth.revokeAllFor(m, id);
      await this.audit.record(actor, { action: active ? 'user.activate' : 'user.deactivate', objectType: 'user', objectId: id }, m);
    });
    if (!active) await this.events.availabilityChanged({ userId: id, reason: 'deactivated' });
    return this.get(id);
  }

  async updateMe(userId: string, input: UpdateMeDto, actor: AuditActor): Promise<void> {
    await this.db.transaction(async (m) => this.applyUpdate(m, await this.find(m, userId), input as Partial<UserFields>, actor));
  }

  async addAbsence(userId: string, input: CreateAbsenceDto, actor: AuditActor): Promise<AbsenceDto> {
    if (input.endsOn < input.startsOn) throw new InvalidInputError([{ name: 'endsOn', reason: 'mag niet voor startsOn liggen' }]);
    const absence: Absence = { id: randomUUID(), userId, startsOn: input.startsOn, endsOn: input.endsOn, note: input.note ?? null, createdAt: this.clock.now() };
    await this.db.transaction(async (m) => {
      await this.find(m, userId);
      await m.insert(Absence, absence);
      await this.audit.record(actor, { action: 'user.absence.add', objectType: 'user', objectId: userId, details: { startsOn: absence.startsOn, endsOn: absence.endsOn } }, m);
    });
    const today = amsterdamDay(this.clock.now());
    if (absence.startsOn <= today && absence.endsOn >= today) await this.events.availabilityChanged({ userId, reason: 'absent' });
    return { id: absence.id, startsOn: absence.startsOn, endsOn: absence.endsOn, note: absence.note };
  }

  async removeAbsence(userId: string, absenceId: string, actor: AuditActor): Promise<void> {
    await this.db.transaction(async (m) => {
      const result = await m.delete(Absence, { id: absenceId, userId });
      if (!result.affected) throw new NotFoundError('Afwezigheid', absenceId);
      await this.audit.record(actor, { action: 'user.absence.remove', objectType: 'user', objectId: userId }, m);
    });
  }

  async toDtos(users: User[]): Promise<UserDto[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const [expertise, absences] = await Promise.all([
      this.db.manager.findBy(UserExpertise, { userId: In(ids) }),
      this.db.manager.find(Absence, { where: { userId: In(ids) }, order: { startsOn: 'ASC' } }),
    ]);
    return users.map((u) => ({
      id: u.id,
      email: u.email,
      displayName: u.displayName,
      organisationCode: u.organisationCode,
      roles: u.roles,
      active: u.active,
      expertise: {
        keuzeIds: expertise.filter((e) => e.userId === u.id && e.keuzeId !== null).map((e) => e.keuzeId!).sort((a, b) => a - b),
        themeIds: expertise.filter((e) => e.userId === u.id && e.themeId !== null).map((e) => e.themeId!).sort((a, b) => a - b),
      },
      capacity: u.capacity,
      mailPreference: u.mailPreference,
      totpEnabled: !!u.totpSecret,
      absences: absences.filter((a) => a.userId === u.id).map((a) => ({ id: a.id, startsOn: a.startsOn, endsOn: a.endsOn, note: a.note })),
      lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
      createdAt: u.createdAt.toISOString(),
    }));
  }
}
