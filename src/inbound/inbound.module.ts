import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { AccountsModule } from '../accounts/index.js';
import type { ProcessRole } from '../infra/infra.module.js';
import { MailThreading } from '../notifications/index.js';
import { QuestionsModule } from '../questions/index.js';
import { InboundController } from './inbound.controller.js';
import { InboundProcessor } from './inbound.processor.js';
import { InboundStore } from './inbound-store.js';
import { InboundImapPoller } from './imap-poller.js';
import { QuestionReplies } from './question-replies.js';
import { ReplyAddresses } from './reply-addresses.js';
import { InboundSmtpListener } from './smtp-listener.js';

/**
 * Replies by e-mail (issue 19): signed reply addresses on outgoing question mails (as the
 * notifications' MailThreading), the SMTP listener and the IMAP poller that store received mail,
 * the job that processes it, and the staff's view of it. Global so the notifications module finds
 * its MailThreading. The listener runs in the HTTP process; the poller where jobs run.
 */
@Global()
@Module({})
export class InboundModule {
  static forRoot(role: ProcessRole = 'server'): DynamicModule {
    const providers: Provider[] = [ReplyAddresses, { provide: MailThreading, useExisting: ReplyAddresses }, InboundStore, InboundProcessor, QuestionReplies];
    if (role === 'server') providers.push(InboundSmtpListener);
    if (role !== 'cli') providers.push(InboundImapPoller);
    return {
      module: InboundModule,
      imports: [AccountsModule, QuestionsModule],
      controllers: [InboundController],
      providers,
      exports: [MailThreading, ReplyAddresses, InboundStore],
    };
  }
}
