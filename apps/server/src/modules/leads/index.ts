import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { registerContactRoutes } from "./contacts.route.ts";
import { registerLeadRoutes } from "./leads.route.ts";

export {
  emitContactLeadsUpdated,
  type MergeDeps,
  type MergeInput,
  type MergeResult,
  mergeContactByEmail,
} from "./merge-contact-by-email.ts";

/** The lead and contact routes, registered together from app.ts. */
export function registerLeadsAndContactsRoutes(app: FastifyInstance, ctx: AppContext): void {
  registerLeadRoutes(app, ctx);
  registerContactRoutes(app, ctx);
}
