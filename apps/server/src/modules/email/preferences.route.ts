import type { FastifyInstance, FastifyReply } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { AppContext } from "../../platform/context.ts";
import { AppError } from "../../platform/errors.ts";
import { addUnsubscribed, findUnsubscribed } from "./email.repo.ts";
import { createPreferenceTokens } from "./preference-token.ts";
import { pickLocale, renderInvalidTokenPage, renderPreferencesPage } from "./preferences-page.ts";
import { EMAIL_CATEGORIES, type Locale } from "./templates.ts";
import { updateEmailPreferences } from "./update-email-preferences.ts";

// The links in non-essential mail. They are authenticated by the signed token they carry, not
// by a session: no sign-in, and no cookie, so the Origin (CSRF) check of cookie sessions does
// not apply — a mail provider's one-click POST comes with no Origin at all.
//
//   GET  /email/preferences?token&lang    the page (GET /email/unsubscribe shows it too)
//   POST /email/preferences               its form: token, lang, categories (ticked ones)
//   POST /email/unsubscribe?token&category RFC 8058 one-click (body List-Unsubscribe=One-Click)

const FORM_BYTES = 16 * 1024;

const ZToken = z.string().max(600).optional();
const ZLang = z.string().max(35).optional();
const ZPageQuery = z.object({ token: ZToken, lang: ZLang });
const ZPreferencesForm = z.object({
  token: ZToken,
  lang: ZLang,
  categories: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.enum(EMAIL_CATEGORIES)).max(EMAIL_CATEGORIES.length * 2),
  ),
});
const ZOneClickQuery = z.object({ token: ZToken, category: z.enum(EMAIL_CATEGORIES) });

/** An url-encoded form as an object; a field sent more than once (checkboxes) becomes a list. */
function parseForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export async function registerEmailPreferenceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const tokens = createPreferenceTokens(ctx.config);

  // Form bodies are accepted here only (elsewhere they stay a 415). RFC 8058 lets a provider
  // send its one-click body as multipart too; everything it says is in the URL, so that body
  // is read and ignored.
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string", bodyLimit: FORM_BYTES },
      (_req, body, done) => done(null, parseForm(String(body))),
    );
    scope.addContentTypeParser(
      "multipart/form-data",
      { parseAs: "string", bodyLimit: FORM_BYTES },
      (_req, _body, done) => done(null, {}),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();

    const html = (reply: FastifyReply, status: number, body: string) =>
      reply.status(status).header("cache-control", "no-store").type("text/html; charset=utf-8").send(body);

    async function showPage(
      reply: FastifyReply,
      locale: Locale,
      token: string | undefined,
      saved: (email: string) => Promise<readonly string[] | null>,
    ) {
      const email = token ? tokens.verify(token) : null;
      if (!token || !email) return html(reply, 400, renderInvalidTokenPage(locale));
      const done = await saved(email);
      const unsubscribed = done ?? (await findUnsubscribed(ctx.db, email));
      return html(reply, 200, renderPreferencesPage({ locale, email, token, unsubscribed, saved: !!done }));
    }

    for (const path of ["/email/preferences", "/email/unsubscribe"]) {
      r.get(path, { schema: { hide: true, querystring: ZPageQuery } }, async (req, reply) =>
        showPage(
          reply,
          pickLocale(req.query.lang, req.headers["accept-language"]),
          req.query.token,
          async () => null,
        ),
      );
    }

    r.post("/email/preferences", { schema: { hide: true, body: ZPreferencesForm } }, async (req, reply) =>
      showPage(reply, pickLocale(req.body.lang, req.headers["accept-language"]), req.body.token, (email) =>
        updateEmailPreferences(ctx.db, { email, wanted: req.body.categories, now: ctx.clock.now() }),
      ),
    );

    r.post("/email/unsubscribe", { schema: { hide: true, querystring: ZOneClickQuery } }, async (req) => {
      const email = req.query.token ? tokens.verify(req.query.token) : null;
      if (!email) {
        throw new AppError(
          "INVALID_TOKEN",
          "This unsubscribe link is not valid: its token is incomplete or was changed",
        );
      }
      await addUnsubscribed(ctx.db, email, req.query.category, ctx.clock.now());
      req.log.info({ category: req.query.category }, "email category unsubscribed (one-click)");
      return { unsubscribed: true, category: req.query.category };
    });
  });
}
