import type { FastifyInstance } from "fastify";
import type { AppContext } from "../../platform/context.ts";

// Used only when the dashboard (apps/dashboard/dist) is not built — `npm start` builds it, so
// this is a source checkout run without it: the root says what is running, how to build the
// dashboard and where the API lives, and invitation links explain how to accept.

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.6;color:#111}
code{background:#f3f3f3;padding:.1rem .3rem;border-radius:4px}a{color:#0b5cad}</style></head>
<body>${body}</body></html>`;

export function registerPageRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/", { schema: { hide: true } }, async (_req, reply) =>
    reply.type("text/html; charset=utf-8").send(
      page(
        "MiniChat",
        `<h1>MiniChat is running</h1>
<p>Mode: <strong>${ctx.config.mode}</strong> (${ctx.database.kind === "pglite" ? "embedded PostgreSQL" : "PostgreSQL"}).</p>
<p>The dashboard is not built. Build it with <code>npm run build:dashboard</code> (<code>npm start</code> does it for you) and reload this page.</p>
<p>Meanwhile, create an account and a workspace through the API: see the <a href="/api/docs">API reference</a>
(<a href="/api/openapi.json">OpenAPI document</a>). Account routes are under <code>/api/auth</code>, product routes under <code>/api/v1</code>.</p>
<p>Health: <a href="/healthz">/healthz</a> · Readiness: <a href="/readyz">/readyz</a></p>`,
      ),
    ),
  );

  app.get<{ Params: { id: string } }>("/invitations/:id", { schema: { hide: true } }, async (req, reply) => {
    const id = req.params.id.replace(/[^\w-]/g, "");
    return reply.type("text/html; charset=utf-8").send(
      page(
        "Invitation to MiniChat",
        `<h1>You are invited to a MiniChat workspace</h1>
<p>Sign in (or sign up) with the email address the invitation was sent to, then accept it with
<code>POST /api/v1/invitations/${id}/accept</code>.</p><p><a href="/api/docs">API reference</a></p>`,
      ),
    );
  });
}
