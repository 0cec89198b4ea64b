import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor } from '../accounts/index.js';
import type { AuditActor } from '../audit/index.js';
import { Roles } from '../common/access.js';
import { Clock, amsterdamDay } from '../common/clock.js';
import { DomainError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { validateForm } from '../infra/http/forms.js';
import { ClosureQuery, ClosuresService, CreateClosureDto, SlaService, UpdateSlaPolicyDto } from '../sla/index.js';
import { dutchDate } from './page-format.js';
import { fieldErrors, pageErrors, textOf, type PageError } from './page-form.js';

const PRIORITY_TEXT: Record<string, string> = { normal: 'Normaal', urgent: 'Spoed' };
const DONE: Record<string, string> = {
  gesloten: 'De sluitingsdag is toegevoegd. De servicenormen van de vragen die erdoor veranderen, worden op de achtergrond herberekend.',
  geopend: 'De sluitingsdag is verwijderd.',
  norm: 'De servicenorm is aangepast. Lopende klokken volgen de nieuwe norm.',
};
const CLOSURE_FIELDS = { day: { label: 'Datum', id: 'day' }, reason: { label: 'Reden', id: 'reason' } };
const POLICY_FIELDS = (p: string) => ({
  firstResponseDays: { label: 'Eerste reactie binnen (werkdagen)', id: `${p}-firstResponseDays` },
  answerDays: { label: 'Antwoord binnen (werkdagen)', id: `${p}-answerDays` },
  reminderPct: { label: 'Herinnering bij (procent)', id: `${p}-reminderPct` },
});

interface FormState {
  errors: PageError[];
  closure?: Record<string, string>;
  policy?: { priority: string; values: Record<string, string> };
}

/**
 * `/secretariaat/kalender`: closure days (add, remove) and the service levels per priority. The
 * rules are the API's (`/calendar/closures`, `/sla-policies`): the same DTOs validate the forms.
 */
@ApiExcludeController()
@Controller('secretariaat/kalender')
export class SecretariatCalendarController {
  constructor(
    private readonly closures: ClosuresService,
    private readonly sla: SlaService,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('secretariat')
  async page(@Query('gelukt') done: unknown, @Res() reply: FastifyReply): Promise<void> {
    await this.render(reply, { errors: [] }, typeof done === 'string' ? (DONE[done] ?? null) : null);
  }

  @Post('sluitingsdagen')
  @Roles('secretariat')
  @HttpCode(200)
  async addClosure(@Body() body: Record<string, unknown> | undefined, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    const values = { day: textOf(body, 'day').trim(), reason: textOf(body, 'reason') };
    await this.act(reply, { closure: values }, CLOSURE_FIELDS, async () => {
      const input = await validateForm(CreateClosureDto, { day: values.day, ...(values.reason.trim() ? { reason: values.reason } : {}) }, { day: 'Datum', reason: 'Reden' });
      await this.closures.add(input, actor);
    }, 'gesloten');
  }

  @Post('sluitingsdagen/:day/verwijderen')
  @Roles('secretariat')
  @HttpCode(200)
  async removeClosure(@Param('day') day: string, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new InvalidInputError([{ name: 'day', reason: 'moet een datum zijn (JJJJ-MM-DD)' }]);
    await this.closures.remove(day, actor);
    reply.redirect('/secretariaat/kalender?gelukt=geopend', 303);
  }

  @Post('normen/:priority')
  @Roles('secretariat')
  @HttpCode(200)
  async updatePolicy(@Param('priority') priority: string, @Body() body: Record<string, unknown> | undefined, @CurrentActor() actor: AuditActor, @Res() reply: FastifyReply): Promise<void> {
    if (!PRIORITY_TEXT[priority]) throw new NotFoundError('SLA-norm', priority);
    const values = { firstResponseDays: textOf(body, 'firstResponseDays').trim(), answerDays: textOf(body, 'answerDays').trim(), reminderPct: textOf(body, 'reminderPct').trim() };
    await this.act(reply, { policy: { priority, values } }, POLICY_FIELDS(priority), async () => {
      // Dutch decimal comma accepted: "0,5" werkdag.
      const number = (v: string) => (v === '' ? undefined : v.replace(',', '.'));
      const input = await validateForm(
        UpdateSlaPolicyDto,
        { firstResponseDays: number(values.firstResponseDays), answerDays: number(values.answerDays), ...(values.reminderPct ? { reminderPct: values.reminderPct } : {}) },
        { firstResponseDays: 'Eerste reactie', answerDays: 'Antwoord', reminderPct: 'Herinnering' },
      );
      await this.sla.updatePolicy(priority, input, actor);
    }, 'norm');
  }

  private async act(reply: FastifyReply, state: Omit<FormState, 'errors'>, fields: Record<string, { label: string; id: string }>, action: () => Promise<void>, done: string): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404) throw error;
      reply.code(error.status);
      await this.render(reply, { ...state, errors: pageErrors(error, fields) }, null);
      return;
    }
    reply.redirect(`/secretariaat/kalender?gelukt=${done}`, 303);
  }

  private async render(reply: FastifyReply, state: FormState, flash: string | null): Promise<void> {
    const today = amsterdamDay(this.clock.now());
    const [closures, policies] = await Promise.all([this.closures.list(Object.assign(new ClosureQuery(), { from: today, page: 1, pageSize: 100 })), this.sla.listPolicies()]);
    const errorText = fieldErrors(state.errors);
    reply.header('Cache-Control', 'no-store');
    await reply.view('secretariaat-kalender.njk', {
      flash,
      errors: state.errors,
      closure: { values: state.closure ?? { day: '', reason: '' }, errors: state.closure ? errorText : {} },
      closures: closures.data.map((c) => ({ day: c.day, date: dutchDate(c.day), reason: c.reason ?? '', recomputing: c.recomputePending })),
      closuresTotal: closures.page.total,
      policies: policies.map((p) => {
        const mine = state.policy?.priority === p.priority;
        const fmt = (n: number) => String(n).replace('.', ',');
        return {
          priority: p.priority,
          name: PRIORITY_TEXT[p.priority] ?? p.priority,
          values: mine ? state.policy!.values : { firstResponseDays: fmt(p.firstResponseDays), answerDays: fmt(p.answerDays), reminderPct: String(p.reminderPct) },
          errors: mine ? errorText : {},
          updated: dutchDate(p.updatedAt),
        };
      }),
    });
  }
}
