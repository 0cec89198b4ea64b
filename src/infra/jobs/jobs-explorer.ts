import { Inject, Injectable, Logger } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { JobName } from './job-names.js';
import { JOB_HANDLER_METADATA, type JobHandlerFn } from './job-handler.decorator.js';
import { JOBS_OPTIONS, type JobsOptions } from './jobs.options.js';

export class JobHandlerConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Job handlers are misconfigured (every job name needs exactly one @JobHandler method):\n  - ${problems.join('\n  - ')}`);
    this.name = 'JobHandlerConfigError';
  }
}

interface RegisteredHandler {
  /** `Class.method`, for messages. */
  source: string;
  run: JobHandlerFn;
}

/** The handler of every job name, filled once at startup by `JobsExplorer`. */
@Injectable()
export class JobHandlerRegistry {
  private readonly handlers = new Map<string, RegisteredHandler>();

  set(name: JobName, handler: RegisteredHandler): void {
    this.handlers.set(name, handler);
  }

  get(name: string): RegisteredHandler | undefined {
    return this.handlers.get(name);
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }
}

/**
 * Finds every `@JobHandler` method on the application's providers and fails the boot when a
 * job name has no handler or more than one (or a handler names a job that does not exist).
 */
@Injectable()
export class JobsExplorer {
  private readonly logger = new Logger('Jobs');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly registry: JobHandlerRegistry,
    @Inject(JOBS_OPTIONS) private readonly options: JobsOptions,
  ) {}

  explore(): void {
    const found = new Map<string, RegisteredHandler[]>();
    const problems: string[] = [];
    const seen = new Set<object>();
    for (const wrapper of this.discovery.getProviders()) {
      const { instance, metatype } = wrapper;
      const prototype = instance ? Object.getPrototypeOf(instance) : typeof metatype === 'function' ? metatype.prototype : null;
      if (!prototype || prototype === Object.prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const name = this.reflector.get<string | undefined>(JOB_HANDLER_METADATA, prototype[method]);
        if (name === undefined) continue;
        const source = `${prototype.constructor?.name ?? 'anonymous'}.${method}`;
        if (!wrapper.isDependencyTreeStatic() || !instance) {
          problems.push(`${source} handles "${name}" but is not a singleton provider (request-scoped and transient providers cannot handle jobs)`);
          continue;
        }
        if (seen.has(instance)) continue; // the same instance reached through two modules
        const run: JobHandlerFn = (payload) => (instance as Record<string, (p: unknown) => Promise<void>>)[method]!(payload);
        found.set(name, [...(found.get(name) ?? []), { source, run }]);
      }
      if (instance && typeof instance === 'object') seen.add(instance);
    }

    const known = new Set<string>(this.options.jobNames);
    for (const name of this.options.jobNames) {
      const handlers = found.get(name) ?? [];
      if (handlers.length === 0) problems.push(`"${name}" has no handler`);
      else if (handlers.length > 1) problems.push(`"${name}" has ${handlers.length} handlers: ${handlers.map((h) => h.source).join(', ')}`);
      else this.registry.set(name, handlers[0]!);
    }
    for (const [name, handlers] of found) {
      if (!known.has(name)) problems.push(`${handlers.map((h) => h.source).join(', ')} handles "${name}", which is not a job name`);
    }
    if (problems.length > 0) throw new JobHandlerConfigError(problems);
    this.logger.log(`Job handlers: ${this.options.jobNames.map((n) => `${n} → ${this.registry.get(n)!.source}`).join(', ')}`);
  }
}
