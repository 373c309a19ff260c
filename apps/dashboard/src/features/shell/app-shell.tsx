import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, Outlet, useNavigate } from "@tanstack/react-router";
import {
  BarChart3,
  BookOpen,
  Bot,
  Cpu,
  CreditCard,
  Inbox,
  KeyRound,
  LogOut,
  Menu,
  MessagesSquare,
  Search,
  Settings,
  UserRoundPlus,
  Users,
  X,
} from "lucide-react";
import { lazy, Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { cn } from "../../lib/cn.ts";
import { sessionQuery, signOut } from "../../lib/session.ts";
import { InboxUnreadBadge } from "../inbox/unread-count.tsx";
import { WorkspaceSwitcher } from "../workspaces/workspace-switcher.tsx";
import { ConnectionBanner } from "./connection-banner.tsx";

const CommandPalette = lazy(() =>
  import("./command-palette.tsx").then((m) => ({ default: m.CommandPalette })),
);
const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

const route = getRouteApi("/signed-in/w/$workspaceId");

const NAV = [
  { to: "/w/$workspaceId/agents", key: "agents", icon: Bot },
  { to: "/w/$workspaceId/knowledge", key: "knowledge", icon: BookOpen },
  { to: "/w/$workspaceId/inbox", key: "inbox", icon: Inbox },
  { to: "/w/$workspaceId/leads", key: "leads", icon: UserRoundPlus },
  { to: "/w/$workspaceId/team", key: "team", icon: Users },
  { to: "/w/$workspaceId/api-keys", key: "api-keys", icon: KeyRound },
  { to: "/w/$workspaceId/providers", key: "providers", icon: Cpu },
  { to: "/w/$workspaceId/usage", key: "usage", icon: BarChart3 },
  { to: "/w/$workspaceId/billing", key: "billing", icon: CreditCard },
  { to: "/w/$workspaceId/settings", key: "settings", icon: Settings },
] as const;

export function AppShell() {
  const { t } = useTranslation();
  const { workspaceId } = route.useParams();
  const [open, setOpen] = useState(false);
  const [palette, setPalette] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.metaKey || e.ctrlKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        setPalette((p) => !p);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const { data: session } = useQuery(sessionQuery);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const out = useMutation({
    mutationFn: signOut,
    onSuccess: async () => {
      queryClient.clear();
      await navigate({ to: "/sign-in", search: { redirect: undefined } });
    },
  });

  return (
    <div className="min-h-dvh md:grid md:grid-cols-[16rem_1fr]">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-background focus:p-2"
      >
        {t("nav.skip")}
      </a>
      <header className="flex items-center justify-between border-b p-3 md:hidden">
        <span className="flex items-center gap-2 font-semibold">
          <MessagesSquare className="size-5 text-primary" aria-hidden />
          {t("common.appName")}
        </span>
        <Button
          variant="ghost"
          size="icon"
          aria-expanded={open}
          aria-controls="sidebar"
          aria-label={open ? t("nav.closeMenu") : t("nav.openMenu")}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <X aria-hidden /> : <Menu aria-hidden />}
        </Button>
      </header>
      <aside
        id="sidebar"
        className={cn(
          "flex-col gap-4 border-r bg-muted/40 p-4 md:sticky md:top-0 md:flex md:h-dvh",
          open ? "flex" : "hidden",
        )}
      >
        <span className="hidden items-center gap-2 px-2 font-semibold md:flex">
          <MessagesSquare className="size-5 text-primary" aria-hidden />
          {t("common.appName")}
        </span>
        <WorkspaceSwitcher workspaceId={workspaceId} />
        <Button
          variant="outline"
          className="justify-between text-muted-foreground"
          onClick={() => setPalette(true)}
          aria-keyshortcuts={isMac ? "Meta+K" : "Control+K"}
        >
          <span className="flex items-center gap-2">
            <Search aria-hidden />
            {t("palette.open")}
          </span>
          <kbd className="rounded border px-1.5 font-mono text-xs">{isMac ? "⌘K" : "Ctrl K"}</kbd>
        </Button>
        <nav aria-label={t("nav.main")} className="flex-1">
          <ul className="grid gap-1">
            {NAV.map(({ to, key, icon: Icon }) => (
              <li key={key}>
                <Link
                  to={to}
                  params={{ workspaceId }}
                  onClick={() => setOpen(false)}
                  className="flex items-center gap-3 rounded-md px-3 py-2 text-sm hover:bg-accent hover:text-accent-foreground"
                  activeProps={{
                    className: "bg-accent font-medium text-accent-foreground",
                    "aria-current": "page",
                  }}
                >
                  <Icon className="size-4" aria-hidden />
                  {t(`nav.${key}`)}
                  {key === "inbox" && <InboxUnreadBadge workspaceId={workspaceId} />}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="grid gap-2 border-t pt-4">
          {session && (
            <p className="truncate px-2 text-sm" title={session.user.email}>
              <span className="sr-only">{t("nav.signedInAs")} </span>
              {session.user.name}
              <span className="block truncate text-xs text-muted-foreground">{session.user.email}</span>
            </p>
          )}
          <Button
            variant="ghost"
            className="justify-start"
            onClick={() => out.mutate()}
            disabled={out.isPending}
          >
            <LogOut aria-hidden />
            {t("auth.signOut")}
          </Button>
        </div>
      </aside>
      <div className="min-w-0">
        <ConnectionBanner />
        <main id="main" tabIndex={-1} className="min-w-0 p-4 sm:p-8">
          <Outlet />
        </main>
      </div>
      {palette && (
        <Suspense fallback={null}>
          <CommandPalette open={palette} onOpenChange={setPalette} workspaceId={workspaceId} />
        </Suspense>
      )}
    </div>
  );
}
