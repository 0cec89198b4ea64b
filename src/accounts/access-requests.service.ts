import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { Page, pageOf } from '../common/pagination.js';
import { AuditActor, AuditService } from '../audit/index.js';
import { Database } from '../infra/database/database.service.js';
import { MAILABLE_ADDRESS } from '../notifications/index.js';
import { organisationFacts } from '../organisations/index.js';
import { AccessRequestDto, AccessRequestQuery, ApproveAccessRequestDto, CreateSignInDomainDto, SignInDomainDto } from './accounts.dto.js';
import { AccessRequest, SignInDomain } from './auth.entities.js';
import { AuthService } from './auth.service.js';
import { User } from './user.entity.js';

const domainDto = (d: SignInDomain): SignInDomainDto => ({ domain: d.domain, organisationCode: d.organisationCode, createdAt: d.createdAt.toISOString() });
const requestDto = (r: AccessRequest): AccessRequestDto => ({
  id: r.id,
  email: r.email,
  domain: r.domain,
  attempts: r.attempts,
  status: r.status,
  firstAttemptAt: r.firstAttemptAt.toISOString(),
  lastAttemptAt: r.lastAttemptAt.toISOString(),
});

/** Who may sign up by themselves (domain allowlist), and the requests of everyone else. */
@Injectable()
export class AccessRequestsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
  ) {}

  async listDomains(): Promise<SignInDomainDto[]> {
    return (await this.db.manager.find(SignInDomain, { order: { domain: 'ASC' } })).map(domainDto);
  }

  async addDomain(input: CreateSignInDomainDto, actor: AuditActor): Promise<SignInDomainDto> {
    const row: SignInDomain = { domain: input.domain, organisationCode: input.organisationCode.toUpperCase(), createdAt: this.clock.now() };
    await this.db.transaction(async (m) => {
      if (!(await organisationFacts(m, row.organisationCode))) {
        throw new InvalidInputError([{ name: 'organisationCode', reason: `organisatie ${row.organisationCode} bestaat niet` }]);
      }
      if (await m.existsBy(SignInDomain, { domain: row.domain })) throw new ConflictError(`Domein ${row.domain} staat al op de lijst.`, 'domain-exists');
      await m.insert(SignInDomain, row);
      await this.audit.record(actor, { action: 'sign-in-domain.add', objectType: 'sign-in-domain', objectId: row.domain, details: { organisationCode: row.organisationCode } }, m);
    });
    return domainDto(row);
  }

  async removeDomain(domain: string, actor: AuditActor): Promise<void> {
    await this.db.transaction(async (m) => {
      const result = await m.delete(SignInDomain, { domain: domain.toLowerCase() });
      if (!result.affected) throw new NotFoundError('Domein', domain);
      await this.audit.record(actor, { action: 'sign-in-domain.remove', objectType: 'sign-in-domain', objectId: domain }, m);
    });
  }

  async list(query: AccessRequestQuery): Promise<Page<AccessRequestDto>> {
    const [rows, total] = await this.db.manager.findAndCount(AccessRequest, {
      where: query.status ? { status: query.status } : {},
      order: { lastAttemptAt: 'DESC' },
      skip: query.offset,
      take: query.pageSize,
    });
    return pageOf(rows.map(requestDto), total, query);
  }

  /** Creates the requester and mails a sign-in link; optionally allows the whole domain. */
  async approve(id: string, input: ApproveAccessRequestDto, actor: AuditActor): Promise<AccessRequestDto> {
    const now = this.clock.now();
    const organisationCode = input.organisationCode.toUpperCase();
    const { request } = await this.db.transaction(async (m) => {
      const request = await m.findOneBy(AccessRequest, { id });
      if (!request) throw new NotFoundError('Toegangsverzoek', id);
      if (request.status === 'approved') throw new ConflictError('Dit verzoek is al goedgekeurd.', 'already-decided');
      // Stored before addresses were checked against what can be mailed: no sign-in link can reach it.
      if (!MAILABLE_ADDRESS.test(request.email)) throw new ConflictError(`Naar ${request.email} kan geen e-mail worden verstuurd; wijs dit verzoek af.`, 'unmailable-address');
      if (!(await organisationFacts(m, organisationCode))) {
        throw new InvalidInputError([{ name: 'organisationCode', reason: `organisatie ${organisationCode} bestaat niet` }]);
      }
      let user = await m.findOneBy(User, { email: request.email });
      if (!user) {
        user = User.create({ email: request.email, roles: ['requester'], organisationCode }, now);
        await m.insert(User, user);
      }
      if (input.allowDomain && !(await m.existsBy(SignInDomain, { domain: request.domain }))) {
        await m.insert(SignInDomain, { domain: request.domain, organisationCode, createdAt: now });
      }
      await m.update(AccessRequest, { id }, { status: 'approved', decidedBy: actor.actorId, decidedAt: now });
      await this.audit.record(actor, { action: 'access-request.approve', objectType: 'access-request', objectId: id, details: { userId: user.id, organisationCode, allowDomain: !!input.allowDomain } }, m);
      await this.auth.issueLink(m, { email: user.email, userId: user.id, organisationCode: null, purpose: 'invitation' }, now, actor);
      return { request: { ...request, status: 'approved' as const } };
    });
    return requestDto(request);
  }

  async reject(id: string, actor: AuditActor): Promise<AccessRequestDto> {
    return this.db.transaction(async (m) => {
      const request = await m.findOneBy(AccessRequest, { id });
      if (!request) throw new NotFoundError('Toegangsverzoek', id);
      await m.update(AccessRequest, { id }, { status: 'rejected', decidedBy: actor.actorId, decidedAt: this.clock.now() });
      await this.audit.record(actor, { action: 'access-request.reject', objectType: 'access-request', objectId: id }, m);
      return requestDto({ ...request, status: 'rejected' });
    });
  }
}
