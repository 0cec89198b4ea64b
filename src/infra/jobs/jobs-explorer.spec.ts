import { Injectable, Module, Scope } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfig } from '../../config/app-config.js';
import { JobHandler } from './job-handler.decorator.js';
import { JobName, type JobPayloads } from './job-names.js';
import { JobQueue } from './job-queue.js';
import { JobHandlerConfigError, JobHandlerRegistry } from './jobs-explorer.js';
import { JobsModule } from './jobs.module.js';
import { InProcessJobQueue } from './in-process-job-queue.js';

type Payload = JobPayloads[JobName.SendNotification];

@Injectable()
class FakeNotifications {
  readonly sent: string[] = [];

  @JobHandler(JobName.SendNotification)
  async send({ outboxId }: Payload): Promise<void> {
    this.sent.push(outboxId);
  }

  /** Not a handler: must be ignored. */
  async helper(): Promise<void> {}
}

@Injectable()
class SecondNotifications {
  @JobHandler(JobName.SendNotification)
  async alsoSend(_payload: Payload): Promise<void> {}
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedNotifications {
  @JobHandler(JobName.SendNotification)
  async send(_payload: Payload): Promise<void> {}
}

@Injectable()
class UnknownJobHandler {
  @JobHandler('no-such-job' as JobName)
  async run(): Promise<void> {}
}

@Module({ providers: [FakeNotifications], exports: [FakeNotifications] })
class FakeNotificationsModule {}

const config = AppConfig.fromEnv({ LOG_LEVEL: 'silent' });

async function boot(providers: Array<new (...args: never[]) => unknown>, imports: Array<new () => unknown> = []) {
  const moduleRef = await Test.createTestingModule({
    imports: [JobsModule.forRoot(config, { jobNames: [JobName.SendNotification] }), ...imports],
    providers,
  }).compile();
  moduleRef.useLogger(false);
  return moduleRef;
}

describe('JobsExplorer', () => {
  it('finds the one handler of each job and the queue runs it', async () => {
    const moduleRef = await boot([], [FakeNotificationsModule]);
    await moduleRef.init();
    expect(moduleRef.get(JobHandlerRegistry).get(JobName.SendNotification)?.source).toBe('FakeNotifications.send');
    await moduleRef.get(JobQueue).enqueue(JobName.SendNotification, { outboxId: 'o-1' });
    await moduleRef.get(InProcessJobQueue).drain();
    expect(moduleRef.get(FakeNotifications).sent).toEqual(['o-1']);
    await moduleRef.close();
  });

  it('fails the boot when a job name has no handler', async () => {
    const moduleRef = await boot([]);
    const init = moduleRef.init();
    await expect(init).rejects.toThrow(JobHandlerConfigError);
    await expect(init).rejects.toThrow(/"send-notification" has no handler/);
    await moduleRef.close();
  });

  it('fails the boot when a job name has two handlers, naming both', async () => {
    const moduleRef = await boot([FakeNotifications, SecondNotifications]);
    await expect(moduleRef.init()).rejects.toThrow(
      /"send-notification" has 2 handlers: FakeNotifications\.send, SecondNotifications\.alsoSend/,
    );
    await moduleRef.close();
  });

  it('fails the boot for a handler on a request-scoped provider', async () => {
    const moduleRef = await boot([RequestScopedNotifications]);
    await expect(moduleRef.init()).rejects.toThrow(/RequestScopedNotifications\.send .* not a singleton provider/);
    await moduleRef.close();
  });

  it('fails the boot for a handler of a job name that does not exist', async () => {
    const moduleRef = await boot([FakeNotifications, UnknownJobHandler]);
    await expect(moduleRef.init()).rejects.toThrow(/UnknownJobHandler\.run handles "no-such-job", which is not a job name/);
    await moduleRef.close();
  });

  it('checks every JobName by default', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [JobsModule.forRoot(config)] }).compile();
    moduleRef.useLogger(false);
    const error = await moduleRef.init().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JobHandlerConfigError);
    expect((error as JobHandlerConfigError).problems).toEqual(Object.values(JobName).map((name) => `"${name}" has no handler`));
    await moduleRef.close();
  });
});
