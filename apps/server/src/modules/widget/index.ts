import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.ts";
import { registerWidgetRoutes } from "./widget.route.ts";
import { registerWidgetAssetRoutes } from "./widget-assets.route.ts";

export { hashVisitorToken } from "./visitor-token.ts";

/** The public visitor API and the widget's static files, in their own scope (see app.ts). */
export async function registerWidget(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await app.register(async (scope) => {
    registerWidgetRoutes(scope, ctx);
    registerWidgetAssetRoutes(scope);
  });
}
