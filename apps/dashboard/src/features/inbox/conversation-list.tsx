import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { Select } from "../../components/ui/input.tsx";
import { ErrorState } from "../../components/ui/states.tsx";
import { cn } from "../../lib/cn.ts";
import { formatNumber } from "../../lib/format.ts";
import { ChannelBadge, conversationName, StatusBadge } from "./conversation-bits.tsx";
import { NS } from "./i18n.ts";
import { inboxListQuery, type TInboxConversation } from "./inbox-api.ts";
import { DEFAULT_FILTERS, type InboxFilters, listTime, sumUnread } from "./inbox-logic.ts";

// The filters outlive the page (opening a conversation remounts it): kept for the tab's life.
let savedFilters: InboxFilters = DEFAULT_FILTERS;

export function ConversationList({ workspaceId, activeId }: { workspaceId: string; activeId?: string }) {
  const { t, i18n } = useTranslation(NS);
  const [filters, setFiltersState] = useState<InboxFilters>(savedFilters);
  const setFilters = (f: InboxFilters) => {
    savedFilters = f;
    setFiltersState(f);
  };
  const list = useInfiniteQuery(inboxListQuery(workspaceId, filters));
  const conversations = list.data?.pages.flatMap((p) => p.conversations) ?? [];
  const unread = sumUnread(conversations);
  const filtered = JSON.stringify(filters) !== JSON.stringify(DEFAULT_FILTERS);
  const id = useId();

  return (
    <>
      <div className="grid grid-cols-2 gap-2 border-b p-3">
        <label className="sr-only" htmlFor={`${id}-status`}>
          {t("filters.status")}
        </label>
        <Select
          id={`${id}-status`}
          className="h-9"
          value={filters.status}
          onChange={(e) => setFilters({ ...filters, status: e.target.value as InboxFilters["status"] })}
        >
          {(["open", "waiting_human", "human", "ai", "resolved", "all"] as const).map((s) => (
            <option key={s} value={s}>
              {t(`filters.statuses.${s}`)}
            </option>
          ))}
        </Select>
        <label className="sr-only" htmlFor={`${id}-channel`}>
          {t("filters.channel")}
        </label>
        <Select
          id={`${id}-channel`}
          className="h-9"
          value={filters.channel}
          onChange={(e) => setFilters({ ...filters, channel: e.target.value as InboxFilters["channel"] })}
        >
          <option value="">{t("filters.allChannels")}</option>
          {(["widget", "api", "test"] as const).map((c) => (
            <option key={c} value={c}>
              {t(`channel.${c}`)}
            </option>
          ))}
        </Select>
        <label className="sr-only" htmlFor={`${id}-assignee`}>
          {t("filters.assignee")}
        </label>
        <Select
          id={`${id}-assignee`}
          className="h-9"
          value={filters.assignee}
          onChange={(e) => setFilters({ ...filters, assignee: e.target.value as InboxFilters["assignee"] })}
        >
          {(["any", "me", "none"] as const).map((a) => (
            <option key={a} value={a}>
              {t(`filters.assignees.${a}`)}
            </option>
          ))}
        </Select>
        <label className="flex h-9 items-center gap-2 rounded-md px-2 text-sm">
          <input
            type="checkbox"
            className="size-4 accent-[var(--primary)]"
            checked={filters.unread}
            onChange={(e) => setFilters({ ...filters, unread: e.target.checked })}
          />
          {t("filters.unread")}
        </label>
      </div>
      <p className="flex items-center justify-between border-b px-3 py-1.5 text-xs text-muted-foreground">
        <span aria-live="polite">
          {list.isSuccess && t("list.unread", { n: formatNumber(i18n.language, unread) })}
        </span>
        {filtered && (
          <button
            type="button"
            className="rounded underline underline-offset-2 hover:text-foreground"
            onClick={() => setFilters(DEFAULT_FILTERS)}
          >
            {t("filters.clear")}
          </button>
        )}
      </p>
      <div className="min-h-0 flex-1 overflow-y-auto">
        {list.isPending ? (
          <ListSkeleton />
        ) : list.isError ? (
          <div className="p-3">
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          </div>
        ) : conversations.length === 0 ? (
          <div className="flex flex-col items-center gap-2 p-6 text-center">
            <h2 className="font-semibold">{filtered ? t("empty.filteredTitle") : t("empty.title")}</h2>
            <p className="text-sm text-muted-foreground">
              {filtered ? t("empty.filteredBody") : t("empty.body")}
            </p>
            {filtered ? (
              <Button variant="outline" size="sm" onClick={() => setFilters(DEFAULT_FILTERS)}>
                {t("filters.clear")}
              </Button>
            ) : (
              <Button asChild variant="outline" size="sm">
                <Link to="/w/$workspaceId/agents" params={{ workspaceId }}>
                  {t("empty.action")}
                </Link>
              </Button>
            )}
          </div>
        ) : (
          <>
            <ul className="divide-y">
              {conversations.map((c) => (
                <ConversationRow key={c.id} c={c} workspaceId={workspaceId} active={c.id === activeId} />
              ))}
            </ul>
            {list.hasNextPage && (
              <div className="p-3">
                <Button
                  variant="outline"
                  className="w-full"
                  disabled={list.isFetchingNextPage}
                  onClick={() => void list.fetchNextPage()}
                >
                  {list.isFetchingNextPage ? t("common.loading") : t("list.more")}
                </Button>
              </div>
            )}
          </>
        )}
      </div>
    </>
  );
}

function ConversationRow({
  c,
  workspaceId,
  active,
}: {
  c: TInboxConversation;
  workspaceId: string;
  active: boolean;
}) {
  const { t, i18n } = useTranslation(NS);
  const name = conversationName(c, t);
  const at = c.lastMessage?.createdAt ?? c.lastMessageAt ?? c.createdAt;
  const who = c.lastMessage ? t(`list.from.${c.lastMessage.role}`, { defaultValue: "" }) : "";
  return (
    <li>
      <Link
        to="/w/$workspaceId/inbox/$conversationId"
        params={{ workspaceId, conversationId: c.id }}
        aria-current={active ? "page" : undefined}
        data-conversation={c.id}
        className={cn(
          "flex flex-col gap-1 px-3 py-3 text-sm hover:bg-accent/60 focus-visible:-outline-offset-2",
          active && "bg-accent",
        )}
      >
        <span className="flex items-center justify-between gap-2">
          <span className={cn("truncate", c.unreadCount > 0 ? "font-semibold" : "font-medium")}>{name}</span>
          <time dateTime={at} className="shrink-0 text-xs text-muted-foreground">
            {listTime(i18n.language, at)}
          </time>
        </span>
        <span className="flex items-center gap-2">
          <span className="line-clamp-1 min-w-0 flex-1 text-muted-foreground">
            {c.lastMessage ? (
              <>
                {who && <span className="font-medium">{who} </span>}
                {c.lastMessage.content}
              </>
            ) : (
              t("list.noMessages")
            )}
          </span>
          {c.unreadCount > 0 && (
            <span className="shrink-0 rounded-full bg-primary px-2 py-0.5 text-xs font-semibold text-primary-foreground">
              {formatNumber(i18n.language, c.unreadCount)}
              <span className="sr-only"> {t("list.unreadShort")}</span>
            </span>
          )}
        </span>
        <span className="flex flex-wrap items-center gap-1.5">
          <StatusBadge status={c.status} />
          <ChannelBadge channel={c.channel} />
          {c.assigneeName && <Badge tone="neutral">{c.assigneeName}</Badge>}
          <span className="truncate text-xs text-muted-foreground">{c.agentName}</span>
        </span>
      </Link>
    </li>
  );
}

function ListSkeleton() {
  const { t } = useTranslation(NS);
  return (
    <div role="status" aria-label={t("common.loading")} className="divide-y">
      {[0, 1, 2, 3, 4].map((i) => (
        <div key={i} className="grid gap-2 p-3">
          <div className="flex justify-between gap-4">
            <div className="h-4 w-32 animate-pulse rounded bg-muted" />
            <div className="h-3 w-10 animate-pulse rounded bg-muted" />
          </div>
          <div className="h-3 w-full animate-pulse rounded bg-muted" />
          <div className="h-4 w-24 animate-pulse rounded-full bg-muted" />
        </div>
      ))}
    </div>
  );
}
