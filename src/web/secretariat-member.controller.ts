import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CreateAbsenceDto, CurrentActor, ROLE_NAMES, UpdateUserDto, UsersService, type UserDto } from '../accounts/index.js';
import type { AuditActor } from '../audit/index.js';
import { CatalogService } from '../catalog/index.js';
import { ROLES, Roles } from '../common/access.js';
import { DomainError, InvalidInputError } from '../common/domain-errors.js';
import { validateForm } from '../infra/http/forms.js';
import { UuidPipe } from '../infra/http/validation.js';
import { catalogView, dutchDate } from './page-format.js';
import { fieldErrors, pageErrors, textOf, type PageError } from './page-form.js';

const DONE: Record<string, string> = {
  opgeslagen: 'De gegevens zijn opgeslagen.',
  afwezig: 'De afwezigheid is toegevoegd.',
  verwijderd: 'De afwezigheid is verwijderd.',
};
const MEMBER_FIELDS = {
  roles: { label: 'Rollen', id: 'roles', reason: 'kies minstens één rol' },
  capacity: { label: 'Capaciteit', id: 'capacity', reason: 'moet leeg zijn of een heel getal van 0 tot 10.000' },
  expertise: { label: 'Expertise', id: 'expertise' },
  startsOn: { label: 'Eerste dag', id: 'startsOn' },
  endsOn: { label: 'Laatste dag', id: 'endsOn' },
  note: { label: 'Notitie', id: 'note' },
};

function listOf(body: Record<string, unknown> | undefined, name: string): string[] {
  const value = body?.[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string');
}

interface MemberValues {
  roles: string[];
  keuzeIds: string[];
  themeIds: string[];
  capacity: string;
}

/**
 * `/secretariaat/gebruikers/{id}`: one member — roles, expertise by theme or keuze, capacity, and
 * their absences (add, remove). The API's `/users/{id}` rules: the same service and DTOs.
 */
@ApiExcludeController()
@Controller('secretariaat/gebruikers/:id')
export class SecretariatMemberController {
  constructor(
    private readonly users: UsersService,
    private readonly catalog: CatalogService,
  ) {}

  @Get()
  @Roles('secretariat')
  async show(@Param('id', UuidPipe) id: string, @Query('gelukt') done: unknown, @Res() reply: FastifyReply): Promise<void> {
    const user = await this.users.get(id);
    await this.render(reply, user, valuesOf(user), { startsOn: '', endsOn: '', note: '' }, [], typeof done === 'string' ? (DONE[done] ?? null) : null);
  }

  @Post()
  @Roles('secretariat')
  @HttpCode(200)
  async save(@Param('id', UuidPipe) id: string, @Body() body: Record<string, unknown> | undefined, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const user = await this.users.get(id);
    const values: MemberValues = { roles: listOf(body, 'roles'), keuzeIds: listOf(body, 'keuzeIds'), themeIds: listOf(body, 'themeIds'), capacity: textOf(body, 'capacity').trim() };
    try {
      if (!values.roles.length) throw new InvalidInputError([{ name: 'roles', reason: 'kies minstens één rol' }]);
      const input = await validateForm(
        UpdateUserDto,
        {
          roles: values.roles,
          expertise: { keuzeIds: values.keuzeIds.map(Number), themeIds: values.themeIds.map(Number) },
          capacity: values.capacity === '' ? null : /^\d+$/.test(values.capacity) ? Number(values.capacity) : values.capacity,
        },
        { roles: 'Rollen', capacity: 'Capaciteit', expertise: 'Expertise' },
      );
      await this.users.update(id, input, actor);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404 || error.status === 403) throw error;
      reply.code(error.status);
      await this.render(reply, user, values, { startsOn: '', endsOn: '', note: '' }, pageErrors(error, MEMBER_FIELDS), null);
      return;
    }
    reply.redirect(`/secretariaat/gebruikers/${id}?gelukt=opgeslagen`, 303);
  }

  @Post('afwezigheid')
  @Roles('secretariat')
  @HttpCode(200)
  async addAbsence(@Param('id', UuidPipe) id: string, @Body() body: Record<string, unknown> | undefined, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const user = await this.users.get(id);
    const absence = { startsOn: textOf(body, 'startsOn').trim(), endsOn: textOf(body, 'endsOn').trim(), note: textOf(body, 'note') };
    try {
      const input = await validateForm(CreateAbsenceDto, { startsOn: absence.startsOn, endsOn: absence.endsOn, ...(absence.note.trim() ? { note: absence.note.trim() } : {}) }, { startsOn: 'Eerste dag', endsOn: 'Laatste dag', note: 'Notitie' });
      await this.users.addAbsence(id, input, actor);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404 || error.status === 403) throw error;
      reply.code(error.status);
      await this.render(reply, user, valuesOf(user), absence, pageErrors(error, MEMBER_FIELDS), null);
      return;
    }
    reply.redirect(`/secretariaat/gebruikers/${id}?gelukt=afwezig`, 303);
  }

  @Post('afwezigheid/:absenceId/verwijderen')
  @Roles('secretariat')
  @HttpCode(200)
  async removeAbsence(@Param('id', UuidPipe) id: string, @Param('absenceId', UuidPipe) absenceId: string, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    await this.users.removeAbsence(id, absenceId, actor);
    reply.redirect(`/secretariaat/gebruikers/${id}?gelukt=verwijderd`, 303);
  }

  private async render(reply: FastifyReply, user: UserDto, values: MemberValues, absence: Record<string, string>, errors: PageError[], flash: string | null): Promise<void> {
    const catalog = await catalogView(this.catalog);
    reply.header('Cache-Control', 'no-store');
    await reply.view('secretariaat-gebruiker.njk', {
      flash,
      errors,
      fieldErrors: fieldErrors(errors),
      member: { id: user.id, name: user.displayName, email: user.email, active: user.active, totp: user.totpEnabled, roles: user.roles.map((r) => ROLE_NAMES[r]).join(', ') },
      values,
      absence,
      absences: user.absences.map((a) => ({ id: a.id, from: dutchDate(a.startsOn), to: dutchDate(a.endsOn), note: a.note ?? '' })),
      roleOptions: ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] })),
      themes: catalog.themes,
    });
  }
}

function valuesOf(user: UserDto): MemberValues {
  return {
    roles: [...user.roles],
    keuzeIds: user.expertise.keuzeIds.map(String),
    themeIds: user.expertise.themeIds.map(String),
    capacity: user.capacity === null ? '' : String(user.capacity),
  };
}
