import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreateUserDto, CredentialsService, CurrentActor, ROLE_NAMES, UserQuery, UsersService } from '../accounts/index.js';
import type { AuditActor } from '../audit/index.js';
import { CatalogService } from '../catalog/index.js';
import { ROLES, type Role } from '../common/access.js';
import { Roles } from '../common/access.js';
import { DomainError, InvalidInputError } from '../common/domain-errors.js';
import { validateForm } from '../infra/http/forms.js';
import { UuidPipe } from '../infra/http/validation.js';
import { catalogView } from './page-format.js';
import { fieldErrors, pageErrors, textOf, type PageError } from './page-form.js';

const SHOWN = 100;
const DONE: Record<string, string> = {
  uitgenodigd: 'De uitnodiging is verstuurd: de nieuwe gebruiker krijgt een inloglink per e-mail.',
  gedeactiveerd: 'De gebruiker is gedeactiveerd; sessies en tokens werken niet meer.',
  geactiveerd: 'De gebruiker is weer actief.',
  'tweede-factor': 'De tweede factor is verwijderd; de gebruiker stelt die opnieuw in bij de volgende keer inloggen.',
};
const INVITE_FIELDS = {
  email: { label: 'E-mailadres', id: 'email' },
  displayName: { label: 'Naam', id: 'displayName' },
  roles: { label: 'Rollen', id: 'roles', reason: 'kies minstens één rol' },
  organisationCode: { label: 'Organisatiecode', id: 'organisationCode', reason: 'moet een code zijn als GM0363 of MIN-IENW (2 tot 20 letters, cijfers of streepjes)' },
  expertise: { label: 'Expertise', id: 'expertise' },
  capacity: { label: 'Capaciteit', id: 'capacity', reason: 'moet een heel getal zijn van 0 tot 10.000' },
};

/** The repeated values of a form field (checkboxes), as strings. */
function listOf(body: Record<string, unknown> | undefined, name: string): string[] {
  const value = body?.[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string');
}

interface InviteValues {
  email: string;
  displayName: string;
  roles: string[];
  organisationCode: string;
  keuzeIds: string[];
  themeIds: string[];
  capacity: string;
}

/**
 * `/secretariaat/gebruikers`: the members — find them, invite one (roles, organisation,
 * expertise by keuze or theme, capacity), deactivate or reactivate, reset a second factor. The
 * rules are the API's `/users`: the same service, the same DTO validating the invite form.
 */
@ApiExcludeController()
@Controller('secretariaat/gebruikers')
export class SecretariatUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly credentials: CredentialsService,
    private readonly catalog: CatalogService,
  ) {}

  @Get()
  @Roles('secretariat')
  async list(@Query() raw: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    const done = typeof raw.gelukt === 'string' ? (DONE[raw.gelukt] ?? null) : null;
    await this.render(reply, raw, [], emptyInvite(), done);
  }

  @Post()
  @Roles('secretariat')
  @HttpCode(200)
  async invite(@Body() body: Record<string, unknown> | undefined, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const values: InviteValues = {
      email: textOf(body, 'email'),
      displayName: textOf(body, 'displayName'),
      roles: listOf(body, 'roles'),
      organisationCode: textOf(body, 'organisationCode').trim(),
      keuzeIds: listOf(body, 'keuzeIds'),
      themeIds: listOf(body, 'themeIds'),
      capacity: textOf(body, 'capacity').trim(),
    };
    try {
      if (!values.roles.length) throw new InvalidInputError([{ name: 'roles', reason: 'kies minstens één rol' }]);
      const expert = values.keuzeIds.length || values.themeIds.length;
      const input = await validateForm(
        CreateUserDto,
        {
          email: values.email,
          displayName: values.displayName,
          roles: values.roles,
          ...(values.organisationCode ? { organisationCode: values.organisationCode } : {}),
          ...(expert ? { expertise: { keuzeIds: values.keuzeIds.map(Number), themeIds: values.themeIds.map(Number) } } : {}),
          ...(values.capacity ? { capacity: /^\d+$/.test(values.capacity) ? Number(values.capacity) : values.capacity } : {}),
        },
        { email: 'E-mailadres', displayName: 'Naam', roles: 'Rollen', organisationCode: 'Organisatiecode', capacity: 'Capaciteit' },
      );
      await this.users.invite(input, actor);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404 || error.status === 403) throw error;
      reply.code(error.status);
      await this.render(reply, {}, pageErrors(error, INVITE_FIELDS), values, null);
      return;
    }
    reply.redirect('/secretariaat/gebruikers?gelukt=uitgenodigd', 303);
  }

  @Post(':id/deactiveren')
  @Roles('secretariat')
  @HttpCode(200)
  async deactivate(@Param('id', UuidPipe) id: string, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    await this.users.setActive(id, false, actor);
    reply.redirect('/secretariaat/gebruikers?gelukt=gedeactiveerd', 303);
  }

  @Post(':id/activeren')
  @Roles('secretariat')
  @HttpCode(200)
  async activate(@Param('id', UuidPipe) id: string, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    await this.users.setActive(id, true, actor);
    reply.redirect('/secretariaat/gebruikers?gelukt=geactiveerd', 303);
  }

  @Post(':id/tweede-factor')
  @Roles('secretariat')
  @HttpCode(200)
  async resetSecondFactor(@Param('id', UuidPipe) id: string, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    await this.credentials.resetTotp(id, actor);
    reply.redirect('/secretariaat/gebruikers?gelukt=tweede-factor', 303);
  }

  private async render(reply: FastifyReply, raw: Record<string, unknown>, errors: PageError[], invite: InviteValues, flash: string | null): Promise<void> {
    const q = typeof raw.q === 'string' ? raw.q.trim().slice(0, 100) : '';
    const role = typeof raw.rol === 'string' && (ROLES as readonly string[]).includes(raw.rol) ? (raw.rol as Role) : undefined;
    const [page, catalog] = await Promise.all([
      this.users.list(Object.assign(new UserQuery(), { page: 1, pageSize: SHOWN, ...(q ? { q } : {}), ...(role ? { role } : {}) })),
      catalogView(this.catalog),
    ]);
    reply.header('Cache-Control', 'no-store');
    await reply.view('secretariaat-gebruikers.njk', {
      flash,
      errors,
      fieldErrors: fieldErrors(errors),
      q,
      role: role ?? '',
      roleOptions: ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] })),
      invite,
      themes: catalog.themes,
      total: page.page.total,
      users: page.data.map((u) => ({
        id: u.id,
        name: u.displayName,
        email: u.email,
        roles: u.roles.map((r) => ROLE_NAMES[r]).join(', '),
        expertise: [...u.expertise.themeIds.map((t) => catalog.theme(t)), ...u.expertise.keuzeIds.map((k) => `keuze ${k}`)].join(', '),
        capacity: u.capacity ?? '–',
        active: u.active,
        totp: u.totpEnabled,
        absences: u.absences.length,
      })),
    });
  }
}

function emptyInvite(): InviteValues {
  return { email: '', displayName: '', roles: [], organisationCode: '', keuzeIds: [], themeIds: [], capacity: '' };
}
