import type { Principal } from '../accounts/principal.js';

/**
 * Integration point with the questions module (which does not exist yet): the knowledge base asks it
 * for the material of a question to pre-fill an article. Until that module binds a source,
 * `POST /articles { questionId }` answers 404 for every id.
 *
 * The questions module binds itself on start-up:
 *
 *     constructor(@Inject(QUESTION_SOURCE) private readonly binding: QuestionSourceBinding) {}
 *     onModuleInit() { this.binding.bind({ getForPublication: (id, author) => this.forPublication(id, author) }); }
 */
export interface QuestionForPublication {
  title: string;
  /** The question as the requester wrote it. */
  body: string;
  /** The final answer (Markdown). */
  answerBody: string;
  keuzeIds: number[];
  /** `OrganisationType` of the asking organisation, if known. */
  organisationType: string | null;
  organisationName: string | null;
  /** The organisation agreed to be named in the published article. */
  consentToNameOrganisation: boolean;
  /** Full names of the requester and of every user involved (experts, coordinator, secretariat). */
  personNames: string[];
}

export interface QuestionSource {
  /**
   * The question's material for `author`, or null when it does not exist (or may not be published);
   * throws a domain error when the author may not use it (NotFoundError when they may not see it).
   */
  getForPublication(id: string, author: Principal): Promise<QuestionForPublication | null>;
}

export const QUESTION_SOURCE = 'QUESTION_SOURCE';

/** What `QUESTION_SOURCE` provides: a question source the questions module can bind later. */
export class QuestionSourceBinding implements QuestionSource {
  private source: QuestionSource | null = null;

  bind(source: QuestionSource): void {
    this.source = source;
  }

  get bound(): boolean {
    return this.source !== null;
  }

  /** Unbound: no question exists yet (the caller turns null into a 404). */
  getForPublication(id: string, author: Principal): Promise<QuestionForPublication | null> {
    return this.source ? this.source.getForPublication(id, author) : Promise.resolve(null);
  }
}
