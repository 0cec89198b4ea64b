import { Catalog1795823380000 } from './1795823380000-Catalog.js';
import { Organisations1795823380001 } from './1795823380001-Organisations.js';
import { Accounts1795823380020 } from './1795823380020-Accounts.js';
import { Outbox1795823380010 } from './1795823380010-Outbox.js';
import { Questions1795823380040 } from './1795823380040-Questions.js';
import { Knowledge1795823380030 } from './1795823380030-Knowledge.js';
import { QuestionSearch1795823380060 } from './1795823380060-QuestionSearch.js';
import { ServiceLevels1795823380050 } from './1795823380050-ServiceLevels.js';
import { StatisticsCells1795823380070 } from './1795823380070-StatisticsCells.js';
import { SearchPrefixIndexes1795823380080 } from './1795823380080-SearchPrefixIndexes.js';
import { SearchTerms1795823380090 } from './1795823380090-SearchTerms.js';
import { QuestionAssignees1795823380100 } from './1795823380100-QuestionAssignees.js';
import { ArticleOpens1795823380110 } from './1795823380110-ArticleOpens.js';
import { InboundMail1795823380120 } from './1795823380120-InboundMail.js';
import { QuestionViews1795823380130 } from './1795823380130-QuestionViews.js';
import { QuarterPercentiles1795823380140 } from './1795823380140-QuarterPercentiles.js';
import { InboundTriageReason1795823380150 } from './1795823380150-InboundTriageReason.js';

/**
 * Every migration, in order. Listed explicitly (not globbed) so the same list works from the
 * compiled app, the CLI and the TypeScript test run. Add new migrations at the end.
 */
export const MIGRATIONS = [Catalog1795823380000, Organisations1795823380001, Accounts1795823380020, Outbox1795823380010, Questions1795823380040, Knowledge1795823380030, QuestionSearch1795823380060, ServiceLevels1795823380050, StatisticsCells1795823380070, SearchPrefixIndexes1795823380080, SearchTerms1795823380090, QuestionAssignees1795823380100, ArticleOpens1795823380110, InboundMail1795823380120, QuestionViews1795823380130, QuarterPercentiles1795823380140, InboundTriageReason1795823380150];
