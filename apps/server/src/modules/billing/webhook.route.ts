import { ZErrorResponse, ZWebhookAck } from "@minichat/contracts";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import type { ProviderId } from "./billing-provider.ts";
import { receiveWebhook } from "./receive-webhook.ts";

/**
 * Payment webhooks. Registered in their own scope: the body stays the exact bytes the provider
 * signed (any content type), instead of parsed JSON.
 */
export function registerWebhookRoutes(scope: FastifyInstance, ctx: AppContext): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  const r = scope.withTypeProvider<ZodTypeProvider>();
  const route = (path: string, provider: ProviderId, name: string) =>
    r.post(
      path,
      {
        schema: {
          tags: ["Billing"],
          summary: `${name} webhook (signed by ${name}; configure this URL in its dashboard)`,
          response: { 200: ZWebhookAck, 400: ZErrorResponse, 404: ZErrorResponse },
        },
        config: { rateLimit: false },
      },
      async (req) => {
        if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
          throw new AppError("BAD_REQUEST", "The webhook body is empty");
        }
        return receiveWebhook(ctx, provider, req.body, req.headers);
      },
    );
  route("/api/v1/billing/stripe/webhook", "stripe", "Stripe");
  route("/api/v1/billing/lemonsqueezy/webhook", "lemonsqueezy", "Lemon Squeezy");
}
