import type { IncomingHttpHeaders } from "node:http";
import { fromNodeHeaders } from "better-auth/node";
import { randomToken } from "../../platform/ids.ts";
import { callAuth } from "../auth/call-auth.ts";
import type { Auth } from "../auth/create-auth.ts";

/** URL-friendly, unique: "Acme Coffee" → "acme-coffee-4k7q". Non-Latin names get "workspace-…". */
export function slugFor(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "workspace"}-${randomToken(4)}`;
}

/** Creates the workspace with the caller as owner (Better Auth's organization plugin). */
export async function createWorkspace(auth: Auth, headers: IncomingHttpHeaders, name: string) {
  const created = await callAuth(() =>
    auth.api.createOrganization({ body: { name, slug: slugFor(name) }, headers: fromNodeHeaders(headers) }),
  );
  if (!created) throw new Error("Better Auth returned no organization");
  return created;
}
