import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Roles, SignedIn } from '../common/access.js';
import type { AuditActor } from '../audit/index.js';
import { CurrentActor, CurrentPrincipal, type Principal } from '../accounts/index.js';
import { ApiPageResponse } from '../infra/http/openapi.decorators.js';
import { readUploadedFile } from '../infra/http/multipart.js';
import { UuidPipe } from '../infra/http/validation.js';
import { AttachmentsService, MAX_ATTACHMENT_BYTES } from './attachments.service.js';
import {
  AnswerDto,
  AssignDto,
  AttachmentDto,
  ConfirmDto,
  MessageBodyDto,
  PostMessageDto,
  PriorityDto,
  QuestionDetailDto,
  QuestionDto,
  QuestionQuery,
  RateDto,
  RatingDto,
  ReasonDto,
  ReferDto,
  SubmitQuestionDto,
} from './questions.dto.js';
import { QuestionIntake } from './question-intake.service.js';
import { QuestionLifecycle } from './question-lifecycle.service.js';
import { QuestionReader } from './question-reader.service.js';

const ok = (description: string) => ApiOkResponse({ type: QuestionDetailDto, description });

@ApiTags('questions')
@Controller('questions')
export class QuestionsController {
  constructor(
    private readonly intake: QuestionIntake,
    private readonly lifecycle: QuestionLifecycle,
    private readonly reader: QuestionReader,
    private readonly attachments: AttachmentsService,
  ) {}

  @Post()
  @Roles('requester')
  @ApiOperation({ summary: 'Submit a question about one to five keuzes; it is routed to an expert in the background.' })
  @ApiCreatedResponse({ type: QuestionDetailDto, description: 'The submitted question with its reference.' })
  submit(@Body() body: SubmitQuestionDto, @CurrentPrincipal() principal: Principal, @CurrentActor() actor: AuditActor) {
    return this.intake.submit(principal, body, actor);
  }

  @Get()
  @SignedIn()
  @ApiOperation({ summary: 'Questions the caller may see: requesters their own, experts those they are or were assigned (EXPERT_VISIBILITY may add answered ones in their keuzes), coordinators and secretariat all.' })
  @ApiPageResponse(QuestionDto, 'Questions, newest first (or by relevance with `q`).')
  list(@Query() query: QuestionQuery, @CurrentPrincipal() principal: Principal) {
    return this.reader.list(principal, query);
  }

  @Get(':id')
  @SignedIn()
  @ApiOperation({ summary: 'One question with its timeline and the messages the caller may see.' })
  @ok('The question.')
  get(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.reader.get(principal, id);
  }

  @Post(':id/messages')
  @SignedIn()
  @HttpCode(200)
  @ApiOperation({ summary: 'Post a message; staff may post internal notes. A requester’s reply to a clarification request resumes the work.' })
  @ok('The updated question.')
  message(@Param('id', UuidPipe) id: string, @Body() body: PostMessageDto, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.postMessage(principal, id, body);
  }

  @Post(':id/accept')
  @Roles('expert')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assignee: accept the question (assigned → in_progress).' })
  @ok('The updated question.')
  accept(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.accept(principal, id);
  }

  @Post(':id/decline')
  @Roles('expert')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assignee: decline with a reason; the question is routed again without you.' })
  @ok('The updated question.')
  decline(@Param('id', UuidPipe) id: string, @Body() body: ReasonDto, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.decline(principal, id, body.reason);
  }

  @Post(':id/assign')
  @Roles('coordinator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Coordinator: assign the question to an expert.' })
  @ok('The updated question.')
  assign(@Param('id', UuidPipe) id: string, @Body() body: AssignDto, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.assign(principal, id, body.expertId);
  }

  @Post(':id/clarification-request')
  @Roles('expert')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assignee: ask the requester for clarification (the clock pauses).' })
  @ok('The updated question.')
  clarify(@Param('id', UuidPipe) id: string, @Body() body: MessageBodyDto, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.requestClarification(principal, id, body.message);
  }

  @Post(':id/answer')
  @Roles('expert')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assignee: answer, optionally pointing to knowledge-base articles.' })
  @ok('The updated question.')
  answer(@Param('id', UuidPipe) id: string, @Body() body: AnswerDto, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.answer(principal, id, body);
  }

  @Post(':id/confirm')
  @Roles('requester')
  @HttpCode(200)
  @ApiOperation({ summary: 'Requester: confirm the answer solved the question (answered → closed).' })
  @ok('The updated question.')
  confirm(@Param('id', UuidPipe) id: string, @Body() body: ConfirmDto, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.confirm(principal, id, body.consentToNameOrganisation);
  }

  @Post(':id/reopen')
  @Roles('requester')
  @HttpCode(200)
  @ApiOperation({ summary: 'Requester: reopen within 30 days of the answer; the same expert continues.' })
  @ok('The updated question.')
  reopen(@Param('id', UuidPipe) id: string, @Body() body: ReasonDto, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.reopen(principal, id, body.reason);
  }

  @Post(':id/refer')
  @Roles('expert', 'coordinator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assignee or coordinator: refer the question to the body that owns it (final).' })
  @ok('The updated question.')
  refer(@Param('id', UuidPipe) id: string, @Body() body: ReferDto, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.refer(principal, id, body);
  }

  @Post(':id/withdraw')
  @Roles('requester')
  @HttpCode(200)
  @ApiOperation({ summary: 'Requester: withdraw the question (final).' })
  @ok('The updated question.')
  withdraw(@Param('id', UuidPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.withdraw(principal, id);
  }

  @Post(':id/priority')
  @Roles('coordinator')
  @HttpCode(200)
  @ApiOperation({ summary: 'Coordinator: set the priority (normal or urgent).' })
  @ok('The updated question.')
  priority(@Param('id', UuidPipe) id: string, @Body() body: PriorityDto, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.setPriority(principal, id, body.priority);
  }

  @Post(':id/rating')
  @Roles('requester')
  @ApiOperation({ summary: 'Requester: rate the answer once (1–5), optionally allowing the organisation to be named in a published article.' })
  @ApiCreatedResponse({ type: RatingDto, description: 'The rating.' })
  rate(@Param('id', UuidPipe) id: string, @Body() body: RateDto, @CurrentPrincipal() principal: Principal) {
    return this.lifecycle.rate(principal, id, body);
  }

  @Post(':id/attachments')
  @SignedIn()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'PDF, image or office document, at most 10 MB.' } } } })
  @ApiOperation({ summary: 'Attach a file (PDF, image or office document; ≤ 10 MB; ≤ 5 per question). The type is checked from the content.' })
  @ApiCreatedResponse({ type: AttachmentDto, description: 'The stored attachment.' })
  async upload(@Param('id', UuidPipe) id: string, @Req() request: FastifyRequest, @CurrentPrincipal() principal: Principal) {
    const file = await readUploadedFile(request, 'file', MAX_ATTACHMENT_BYTES, 'Een bijlage mag hoogstens 10 MB zijn.');
    return this.attachments.add(principal, id, file);
  }

  @Get(':id/attachments/:attachmentId')
  @SignedIn()
  @ApiProduces('application/octet-stream')
  @ApiOperation({ summary: 'Download an attachment (always as a download, never shown inline).' })
  @ApiOkResponse({ description: 'The file.', schema: { type: 'string', format: 'binary' } })
  async download(
    @Param('id', UuidPipe) id: string,
    @Param('attachmentId', UuidPipe) attachmentId: string,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { row, data } = await this.attachments.read(principal, id, attachmentId);
    reply
      .header('Content-Type', 'application/octet-stream')
      .header('Content-Disposition', `attachment; filename="${row.filename.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '')}"; filename*=UTF-8''${encodeURIComponent(row.filename)}`)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .send(data);
  }
}
