import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../../lib/api.ts";
import { formatNumber } from "../../lib/format.ts";

// The unread total beside the Inbox link in the navigation: open conversations with unread
// visitor messages, polled every 30 s (no socket here: the shell stays light). The inbox screen
// refreshes the same query whenever it sees something arrive. It carries no strings of its own
// (the inbox's locale files would then load with the shell): inside the link it reads "Inbox 3".

const LIMIT = 100;

type Page = { conversations: { unreadCount: number }[]; nextCursor: string | null };

export function InboxUnreadBadge({ workspaceId }: { workspaceId: string }) {
  const { i18n } = useTranslation();
  const { data } = useQuery({
    queryKey: ["inbox", workspaceId, "unread-total"],
    queryFn: async ({ signal }) => {
      const page = await api<Page>(
        `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/inbox/conversations?status=open&unread=true&limit=${LIMIT}`,
        { signal },
      );
      const total = page.conversations.reduce((n, c) => n + c.unreadCount, 0);
      return { total, more: page.nextCursor !== null };
    },
    refetchInterval: 30_000,
    refetchIntervalInBackground: false,
    staleTime: 10_000,
  });
  if (!data || data.total === 0) return null;
  const shown = data.more
    ? `${formatNumber(i18n.language, data.total)}+`
    : formatNumber(i18n.language, data.total);
  return (
    <span className="ml-auto rounded-full bg-primary px-1.5 py-0.5 text-xs leading-none font-semibold text-primary-foreground">
      {shown}
    </span>
  );
}
