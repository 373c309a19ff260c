import type { ZOutboxList } from "@minichat/contracts";
import { useQuery } from "@tanstack/react-query";
import { Inbox } from "lucide-react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { Button } from "../../components/ui/button.tsx";
import { api } from "../../lib/api.ts";
import { sessionQuery } from "../../lib/session.ts";
import { NS } from "./i18n.ts";

/**
 * On a laptop install no email server is configured and messages wait in the local outbox. The
 * platform admin (the first account) may read that outbox, so when they are the one waiting for
 * a verification email, it is shown right here with its link — no docs, no API call by hand.
 * Everyone else sees the usual "check your email".
 */
export function LocalOutboxEmail({ email }: { email: string }) {
  const { t } = useTranslation(NS);
  const { data: session } = useQuery(sessionQuery);
  const isAdmin = session?.user.role === "admin";
  const { data } = useQuery({
    queryKey: ["local-outbox", email],
    queryFn: () => api<TOutboxList>(`/api/v1/admin/outbox?limit=5&to=${encodeURIComponent(email)}`),
    enabled: isAdmin,
    refetchInterval: (q) => (q.state.data && findLink(q.state.data) ? false : 2000),
  });
  const found = data && findLink(data);
  if (!found) return null;
  return (
    <section
      aria-labelledby="local-outbox-title"
      className="grid gap-2 rounded-lg border border-dashed bg-muted/40 p-4 text-sm"
    >
      <h2 id="local-outbox-title" className="flex items-center gap-2 font-medium">
        <Inbox className="size-4" aria-hidden />
        {t("localOutbox.title")}
      </h2>
      <p className="text-muted-foreground">{t("localOutbox.body")}</p>
      <p className="font-medium">{found.subject}</p>
      <Button asChild>
        <a href={found.url}>{t("localOutbox.open")}</a>
      </Button>
    </section>
  );
}

type TOutboxList = z.infer<typeof ZOutboxList>;

/** The newest verification email kept in the outbox (not sent), and the link inside it. */
function findLink(list: TOutboxList): { subject: string; url: string } | undefined {
  for (const e of list.emails) {
    if (e.template !== "verify-email" || e.transport !== "outbox") continue;
    const url = e.text.match(/https?:\/\/\S+\/api\/auth\/verify-email\?\S+/)?.[0];
    if (url) return { subject: e.subject, url: sameOrigin(url) };
  }
  return undefined;
}

/** The link as the server wrote it, on this page's origin (BASE_URL may say localhost vs 127.0.0.1). */
function sameOrigin(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}
