import type { Audit } from "../modules/audit/index.ts";
import type { AuthnDeps } from "../modules/auth/authenticate.ts";
import type { Auth } from "../modules/auth/create-auth.ts";
import type { Mailer } from "../modules/email/index.ts";
import type { Config } from "./config.ts";
import type { WindowCounter } from "./counters.ts";
import type { Database, Db } from "./db/client.ts";
import type { Jobs } from "./jobs.ts";
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
};
