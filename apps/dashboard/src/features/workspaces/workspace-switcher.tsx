import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { Check, ChevronsUpDown, Plus } from "lucide-react";
import { DropdownMenu } from "radix-ui";
import { useTranslation } from "react-i18next";
import { workspacesQuery } from "../../lib/session.ts";

const item =
  "flex cursor-default items-center gap-2 rounded-sm px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-accent data-[highlighted]:text-accent-foreground";

export function WorkspaceSwitcher({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation();
  const { data: workspaces = [], isPending } = useQuery(workspacesQuery);
  const current = workspaces.find((w) => w.id === workspaceId);
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger
        className="flex w-full items-center justify-between gap-2 rounded-md border bg-background px-3 py-2 text-left text-sm"
        aria-label={t("workspaces.switcher", { name: current?.name ?? "" })}
      >
        <span className="truncate font-medium">
          {current?.name ?? (isPending ? t("common.loading") : "—")}
        </span>
        <ChevronsUpDown className="size-4 shrink-0 opacity-70" aria-hidden />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="start"
          sideOffset={4}
          className="z-50 min-w-56 rounded-md border bg-card p-1 text-foreground shadow-md"
        >
          <DropdownMenu.Label className="px-2 py-1.5 text-xs text-muted-foreground">
            {t("workspaces.title")}
          </DropdownMenu.Label>
          {workspaces.map((w) => (
            <DropdownMenu.Item key={w.id} asChild className={item}>
              <Link to="/w/$workspaceId/agents" params={{ workspaceId: w.id }}>
                <Check className={w.id === workspaceId ? "size-4" : "size-4 invisible"} aria-hidden />
                <span className="truncate">{w.name}</span>
                {w.role && (
                  <span className="ml-auto text-xs text-muted-foreground">{t(`roles.${w.role}`)}</span>
                )}
              </Link>
            </DropdownMenu.Item>
          ))}
          <DropdownMenu.Separator className="my-1 h-px bg-border" />
          <DropdownMenu.Item asChild className={item}>
            <Link to="/workspaces/new">
              <Plus className="size-4" aria-hidden />
              {t("workspaces.new")}
            </Link>
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
