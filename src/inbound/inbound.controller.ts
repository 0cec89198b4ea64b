import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { Roles } from '../common/access.js';
import { NotFoundError } from '../common/domain-errors.js';
import { Database } from '../infra/database/database.service.js';
import { UuidPipe } from '../infra/http/validation.js';
import { FailingAddress, INBOUND_STATUSES, InboundMessage, TRIAGE_REASONS, type InboundStatus, type TriageReason } from './inbound.entities.js';

export class InboundQuery {
  @ApiPropertyOptional({ enum: INBOUND_STATUSES, description: 'Only mails with this outcome, e.g. `triage`.' })
  @IsOptional() @IsIn(INBOUND_STATUSES)
  status?: InboundStatus;
}

export class InboundMessageDto {
  @ApiProperty({ description: 'Id of the received mail.' }) id: string;
  @ApiProperty({ enum: INBOUND_STATUSES, description: 'What became of it (see src/inbound/inbound.entities.ts): posted, triage, auto_reply, bounce, …' }) status: InboundStatus;
  @ApiProperty({ nullable: true, type: String, description: 'Why it ended as it did.' }) detail: string | null;
  @ApiProperty({ nullable: true, enum: TRIAGE_REASONS, description: 'In status `triage`: why a coordinator is needed.' }) triageReason: TriageReason | null;
  @ApiProperty({ nullable: true, type: String, description: 'The From address, once processed.' }) senderEmail: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The subject, once processed.' }) subject: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The question its reply address names.' }) questionId: string | null;
  @ApiProperty({ enum: ['smtp', 'imap'], description: 'Received by the SMTP listener or read from the IMAP mailbox.' }) source: 'smtp' | 'imap';
  @ApiProperty({ description: 'Size of the raw message in bytes.' }) size: number;
  @ApiProperty({ description: 'When it was stored (and acknowledged).' }) receivedAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'When it was processed.' }) processedAt: string | null;
}

export class FailingAddressDto {
  @ApiProperty({ description: 'The address our mails bounced from.' }) email: string;
  @ApiProperty({ description: 'Delivery reports received for it.' }) bounces: number;
  @ApiProperty({ description: 'The last delivery report: status and diagnostic.' }) reason: string;
  @ApiProperty({ nullable: true, type: String, description: 'The outbox row of the last mail that bounced.' }) outboxId: string | null;
  @ApiProperty({ description: 'First report.' }) firstFailedAt: string;
  @ApiProperty({ description: 'Latest report.' }) lastFailedAt: string;
}

/**
 * Received mail for the coordinators and the secretariat: the triage (replies not posted: a
 * sender who is not whom the address was made for, a reply that could not be posted), the other
 * outcomes, the full original of each, and the addresses our mails bounced from.
 */
@ApiTags('inbound mail')
@Controller('inbound-mail')
export class InboundController {
  constructor(private readonly db: Database) {}

  @Get('messages')
  @Roles('coordinator', 'secretariat')
  @ApiOperation({ summary: 'The 200 most recent received mails, newest first; `status=triage` lists the replies waiting for a coordinator.' })
  @ApiOkResponse({ type: [InboundMessageDto] })
  async list(@Query() query: InboundQuery): Promise<InboundMessageDto[]> {
    const rows = await this.db.manager.find(InboundMessage, {
      select: { id: true, status: true, detail: true, triageReason: true, senderEmail: true, subject: true, questionId: true, source: true, size: true, receivedAt: true, processedAt: true },
      where: query.status ? { status: query.status } : {},
      order: { receivedAt: 'DESC', id: 'ASC' },
      take: 200,
    });
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      detail: r.detail,
      triageReason: r.triageReason,
      senderEmail: r.senderEmail,
      subject: r.subject,
      questionId: r.questionId,
      source: r.source,
      size: r.size,
      receivedAt: r.receivedAt.toISOString(),
      processedAt: r.processedAt?.toISOString() ?? null,
    }));
  }

  @Get('messages/:id/original')
  @Roles('coordinator', 'secretariat')
  @ApiProduces('message/rfc822')
  @ApiOperation({ summary: 'The full original of a received mail, as a download.' })
  @ApiOkResponse({ description: 'The message as received.', schema: { type: 'string', format: 'binary' } })
  async original(@Param('id', UuidPipe) id: string, @Res() reply: FastifyReply): Promise<void> {
    const row = await this.db.manager.findOne(InboundMessage, { select: { id: true, raw: true }, where: { id } });
    if (!row) throw new NotFoundError('Ontvangen e-mail', id);
    reply
      .header('Content-Type', 'message/rfc822')
      .header('Content-Disposition', `attachment; filename="${id}.eml"`)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .send(Buffer.from(row.raw, 'base64'));
  }

  @Get('failing-addresses')
  @Roles('coordinator', 'secretariat')
  @ApiOperation({ summary: 'Addresses our mails bounced from (delivery status notifications), most recent first.' })
  @ApiOkResponse({ type: [FailingAddressDto] })
  async failing(): Promise<FailingAddressDto[]> {
    const rows = await this.db.manager.find(FailingAddress, { order: { lastFailedAt: 'DESC', email: 'ASC' }, take: 500 });
    return rows.map((r) => ({ ...r, firstFailedAt: r.firstFailedAt.toISOString(), lastFailedAt: r.lastFailedAt.toISOString() }));
  }
}
