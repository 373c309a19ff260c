import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { Command } from "cmdk";
import {
  BarChart3,
  BookOpen,
  Bot,
  Building2,
  Cpu,
  CreditCard,
  Inbox,
  KeyRound,
  Languages,
  LogOut,
  type LucideIcon,
  Moon,
  Plus,
  Settings,
  UserRoundPlus,
  Users,
} from "lucide-react";
import { Dialog as D } from "radix-ui";
import { useTranslation } from "react-i18next";
import { overlayClass } from "../../components/ui/dialog.tsx";
import { LANGUAGES, rememberLanguage } from "../../i18n/index.ts";
import { saveLocale, signOut, workspacesQuery } from "../../lib/session.ts";
import { getTheme, setTheme, THEMES } from "../../lib/theme.ts";
import { useAgentAccess } from "../agents/agent-access.ts";

// ⌘K / Ctrl+K: go anywhere, create an agent, switch workspace, theme or language, sign out.
// cmdk does the filtering and the listbox keyboard model; Radix Dialog traps focus. This chunk
// loads the first time the palette opens.

type Item = { id: string; label: string; icon: LucideIcon; run: () => void; keywords?: string[] };

const SECTIONS = [
  ["agents", Bot],
  ["knowledge", BookOpen],
  ["inbox", Inbox],
  ["leads", UserRoundPlus],
  ["team", Users],
  ["api-keys", KeyRound],
  ["providers", Cpu],
  ["usage", BarChart3],
  ["billing", CreditCard],
  ["settings", Settings],
] as const;

export function CommandPalette(props: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  workspaceId: string;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { data: workspaces = [] } = useQuery(workspacesQuery);
  const { canEdit } = useAgentAccess(props.workspaceId);
  const close = () => props.onOpenChange(false);
  const go = (to: string) => () => {
    close();
    void navigate({ to });
  };
  const ws = `/w/${props.workspaceId}`;

  const groups: { heading: string; items: Item[] }[] = [
    {
      heading: t("palette.goTo"),
      items: SECTIONS.map(([key, icon]) => ({
        id: `go-${key}`,
        label: t(`nav.${key}`),
        icon,
        run: go(`${ws}/${key}`),
        keywords: [key],
      })),
    },
    {
      heading: t("palette.actions"),
      items: [
        ...(canEdit
          ? [{ id: "new-agent", label: t("palette.newAgent"), icon: Plus, run: go(`${ws}/agents/new`) }]
          : []),
        {
          id: "new-workspace",
          label: t("palette.newWorkspace"),
          icon: Building2,
          run: go("/workspaces/new"),
        },
        {
          id: "theme",
          label: t("palette.theme", {
            theme: t(`settings.themes.${THEMES[(THEMES.indexOf(getTheme()) + 1) % THEMES.length]}`),
          }),
          icon: Moon,
          run: () => {
            setTheme(THEMES[(THEMES.indexOf(getTheme()) + 1) % THEMES.length]!);
            close();
          },
        },
        ...LANGUAGES.filter((l) => l !== i18n.language).map((l) => ({
          id: `lang-${l}`,
          label: t("palette.language", { language: t(`languages.${l}`) }),
          icon: Languages,
          keywords: ["language", l],
          run: () => {
            rememberLanguage(l);
            void saveLocale(l).catch(() => undefined);
            close();
          },
        })),
        {
          id: "sign-out",
          label: t("auth.signOut"),
          icon: LogOut,
          run: () => {
            close();
            void signOut().then(async () => {
              queryClient.clear();
              await navigate({ to: "/sign-in", search: { redirect: undefined } });
            });
          },
        },
      ],
    },
    {
      heading: t("workspaces.title"),
      items: workspaces
        .filter((w) => w.id !== props.workspaceId)
        .map((w) => ({
          id: `ws-${w.id}`,
          label: t("palette.switchTo", { name: w.name }),
          icon: Building2,
          run: go(`/w/${w.id}/agents`),
        })),
    },
  ];

  return (
    <D.Root open={props.open} onOpenChange={props.onOpenChange}>
      <D.Portal>
        <D.Overlay className={overlayClass} />
        <D.Content
          aria-describedby={undefined}
          className="fixed top-[15dvh] left-1/2 z-50 w-[calc(100%-2rem)] max-w-lg -translate-x-1/2 overflow-hidden rounded-lg border bg-background shadow-lg"
        >
          <D.Title className="sr-only">{t("palette.title")}</D.Title>
          <Command label={t("palette.title")} className="flex flex-col">
            <Command.Input
              autoFocus
              placeholder={t("palette.placeholder")}
              className="h-12 border-b bg-transparent px-4 text-sm outline-none placeholder:text-muted-foreground"
            />
            <Command.List className="max-h-[min(60dvh,24rem)] overflow-y-auto p-2">
              <Command.Empty className="p-4 text-center text-sm text-muted-foreground">
                {t("palette.empty")}
              </Command.Empty>
              {groups
                .filter((g) => g.items.length > 0)
                .map((g) => (
                  <Command.Group
                    key={g.heading}
                    heading={g.heading}
                    className="[&_[cmdk-group-heading]]:px-2 [&_[cmdk-group-heading]]:py-1.5 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:text-muted-foreground"
                  >
                    {g.items.map((item) => (
                      <Command.Item
                        key={item.id}
                        value={`${item.label} ${item.id}`}
                        keywords={item.keywords ?? []}
                        onSelect={item.run}
                        className="flex cursor-default items-center gap-3 rounded-md px-2 py-2 text-sm data-[selected=true]:bg-accent data-[selected=true]:text-accent-foreground"
                      >
                        <item.icon className="size-4" aria-hidden />
                        {item.label}
                      </Command.Item>
                    ))}
                  </Command.Group>
                ))}
            </Command.List>
          </Command>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
