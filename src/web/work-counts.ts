import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, from, mergeMap } from 'rxjs';
import type { Principal } from '../accounts/index.js';
import { InboundStore } from '../inbound/index.js';
import { QuestionWork } from '../questions/index.js';
import { SlaService } from '../sla/index.js';
import { isApiPath } from '../infra/http/pages.js';

/**
 * The counts in the navigation ("Werkvoorraad (3)", "Triage (12)") on every page a member of the
 * taskforce opens: through `reply.locals`, like the signed-in person (PageViewerInterceptor).
 */
@Injectable()
export class WorkCountsInterceptor implements NestInterceptor {
  constructor(
    private readonly work: QuestionWork,
    private readonly sla: SlaService,
    private readonly inbound: InboundStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Principal }>();
    const reply = http.getResponse<FastifyReply & { locals?: Record<string, unknown> }>();
    const roles = request.principal?.user.roles ?? [];
    const principal = request.principal;
    if (!principal || !reply.locals || isApiPath(request.url) || !(roles.includes('expert') || roles.includes('coordinator'))) return next.handle();
    return from(this.counts(principal)).pipe(
      mergeMap((counts) => {
        reply.locals!.workCounts = counts;
        return next.handle();
      }),
    );
  }

  private async counts(principal: Principal): Promise<{ work: number | null; triage: number | null }> {
    const roles = principal.user.roles;
    const coordinator = roles.includes('coordinator');
    const [work, triage, mails] = await Promise.all([
      roles.includes('expert') ? this.work.expertCount(principal) : null,
      coordinator ? this.sla.atRisk(principal).then((atRisk) => this.work.triageCount(atRisk)) : null,
      // Replies by e-mail waiting for a coordinator are listed on /triage too.
      coordinator ? this.inbound.triageCount() : 0,
    ]);
    return { work, triage: triage === null ? null : triage + mails };
  }
}
