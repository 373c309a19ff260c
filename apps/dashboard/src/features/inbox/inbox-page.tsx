import { useParams } from "@tanstack/react-router";
import { MessageSquareText, MessagesSquare, WifiOff } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { cn } from "../../lib/cn.ts";
import { PageHeader } from "../shell/page-header.tsx";
import { ConversationList } from "./conversation-list.tsx";
import { ConversationView } from "./conversation-view.tsx";
import { NS } from "./i18n.ts";
import { NotificationToggle } from "./notifications.tsx";
import { useInboxSync } from "./use-inbox-sync.ts";

// The saved-replies editor validates with the contracts' zod schemas: loaded when first opened,
// so the inbox's first screen does not wait for them.
const CannedResponsesDialog = lazy(() =>
  import("./canned-responses-dialog.tsx").then((m) => ({ default: m.CannedResponsesDialog })),
);

import { LiveContext, useAcquireLive, useLiveStatus } from "../../lib/use-live.ts";

// The live inbox: conversations on the left, the open one on the right (on a phone, one at a
// time: the list, then the conversation with a way back). Both routes render this page.

export function InboxPage() {
  const { t } = useTranslation(NS);
  const params = useParams({ strict: false }) as { workspaceId: string; conversationId?: string };
  const { workspaceId, conversationId } = params;
  const live = useAcquireLive(workspaceId);
  const status = useLiveStatus(live);
  const [cannedOpen, setCannedOpen] = useState(false);
  useInboxSync(workspaceId, live, conversationId);

  return (
    <LiveContext.Provider value={live}>
      <div className={conversationId ? "hidden md:block" : undefined}>
        <PageHeader
          title={t("title")}
          actions={
            <div className="flex flex-wrap items-center gap-2">
              <NotificationToggle />
              <Button variant="outline" size="sm" onClick={() => setCannedOpen(true)}>
                <MessageSquareText aria-hidden />
                {t("canned.manage")}
              </Button>
            </div>
          }
        />
      </div>
      {conversationId && <h1 className="sr-only md:hidden">{t("title")}</h1>}
      {status === "reconnecting" && (
        <div
          role="status"
          className="mb-3 flex items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          <WifiOff className="size-4 shrink-0" aria-hidden />
          {t("reconnecting")}
        </div>
      )}
      <div
        data-live={status}
        className={cn(
          "grid min-h-[28rem] overflow-hidden rounded-lg border bg-card md:h-[calc(100dvh-8.5rem)] md:grid-cols-[minmax(17rem,22rem)_1fr]",
          conversationId ? "h-[calc(100dvh-6.5rem)]" : "h-[calc(100dvh-13rem)]",
        )}
      >
        <section
          aria-label={t("list.label")}
          className={cn("min-h-0 flex-col border-r", conversationId ? "hidden md:flex" : "flex")}
        >
          <ConversationList workspaceId={workspaceId} activeId={conversationId} />
        </section>
        <section className={cn("min-h-0 min-w-0 flex-col", conversationId ? "flex" : "hidden md:flex")}>
          {conversationId ? (
            <ConversationView
              key={conversationId}
              workspaceId={workspaceId}
              conversationId={conversationId}
            />
          ) : (
            <div className="m-auto flex max-w-sm flex-col items-center gap-2 p-6 text-center text-sm text-muted-foreground">
              <MessagesSquare className="size-8" aria-hidden />
              {t("pick")}
            </div>
          )}
        </section>
      </div>
      {cannedOpen && (
        <Suspense fallback={null}>
          <CannedResponsesDialog workspaceId={workspaceId} open={cannedOpen} onOpenChange={setCannedOpen} />
        </Suspense>
      )}
    </LiveContext.Provider>
  );
}
