import type { Audit } from "../modules/audit/index.ts";
import type { AuthnDeps } from "../modules/auth/authenticate.ts";
import type { Auth } from "../modules/auth/create-auth.ts";
import type { BillingDeps } from "../modules/billing/billing-provider.ts";
import type { BillingProviders } from "../modules/billing/billing-providers.ts";
import type { EngineDeps } from "../modules/conversations/run-turn.ts";
import type { Mailer } from "../modules/email/index.ts";
import type { KnowledgeVectors } from "../modules/knowledge/knowledge-vectors.ts";
import type { ModelResolver } from "../modules/providers/model-resolver.ts";
import type { PriceBook } from "../modules/providers/prices.ts";
import type { Config } from "./config.ts";
import type { WindowCounter } from "./counters.ts";
import type { KeyRing } from "./crypto.ts";
import type { Database, Db } from "./db/client.ts";
import type { EventBus } from "./events.ts";
import type { Jobs } from "./jobs.ts";
import type { OutboundPolicy } from "./outbound.ts";
import type { Clock } from "./types.ts";

/** What route modules receive from buildApp: configured parts, never globals. */
export type AppContext = {
  config: Config;
  database: Database;
  db: Db;
  auth: Auth;
  authn: AuthnDeps;
  mailer: Mailer;
  audit: Audit;
  clock: Clock;
  jobs: Jobs | undefined;
  loginFailures: WindowCounter;
  keyRing: KeyRing;
  events: EventBus;
  /** SSRF-guarded fetch for every URL a tenant chose (actions, provider base URLs). */
  outboundFetch: typeof fetch;
  outboundPolicy: OutboundPolicy;
  prices: PriceBook;
  models: ModelResolver;
  /** Semantic knowledge search: embedding models and the vector store (off without pgvector). */
  vectors: KnowledgeVectors;
  /** Payment providers with keys on this installation, and what their event handlers need. */
  billing: BillingDeps & { providers: BillingProviders };
  /** What a conversation turn needs (see conversations/run-turn.ts). */
  engine: EngineDeps;
};
