import type { TApiKey } from "@minichat/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { KeyRound, Plus } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { EmptyState, ErrorState, SkeletonList, useErrorMessage } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { cn } from "../../lib/cn.ts";
import { formatDate, formatDateTime } from "../../lib/format.ts";
import { workspacesQuery } from "../../lib/session.ts";
import { PageHeader } from "../shell/page-header.tsx";
import { apiKeysQuery, keyState, revokeApiKey, scopeKey, type TCreatedApiKey } from "./api-keys-api.ts";
import { CreateKeyDialog } from "./create-key-dialog.tsx";
import { NS } from "./i18n.ts";
import { SecretDialog } from "./secret-dialog.tsx";

const route = getRouteApi("/signed-in/w/$workspaceId/api-keys");

export function ApiKeysPage() {
  const { t } = useTranslation(NS);
  const { workspaceId } = route.useParams();
  const workspaces = useQuery(workspacesQuery);
  const role = workspaces.data?.find((w) => w.id === workspaceId)?.role;
  const manage = role === "owner" || role === "admin";
  const keys = useQuery({ ...apiKeysQuery(workspaceId), enabled: manage });
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<TCreatedApiKey | null>(null);

  const newButton = (
    <Button onClick={() => setCreating(true)}>
      <Plus aria-hidden />
      {t("new")}
    </Button>
  );
  return (
    <>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={manage ? newButton : undefined}
      />
      {workspaces.isPending ? (
        <SkeletonList />
      ) : !manage ? (
        <EmptyState title={t("forbidden.title")} body={t("forbidden.body")} />
      ) : keys.isPending ? (
        <SkeletonList />
      ) : keys.isError ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <EmptyState title={t("empty.title")} body={t("empty.body")} action={newButton} />
      ) : (
        <KeysList workspaceId={workspaceId} keys={keys.data} />
      )}
      <p className="mt-6 text-sm text-muted-foreground">
        {t("docsLead")}{" "}
        <a href="/api/docs" className="text-primary underline underline-offset-4">
          {t("docsLink")}
        </a>
      </p>
      <CreateKeyDialog
        workspaceId={workspaceId}
        open={creating}
        onOpenChange={setCreating}
        onCreated={(k) => {
          setCreating(false);
          setCreated(k);
        }}
      />
      <SecretDialog created={created} onClose={() => setCreated(null)} />
    </>
  );
}

function KeysList({ workspaceId, keys }: { workspaceId: string; keys: TApiKey[] }) {
  const { t, i18n } = useTranslation(NS);
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const message = useErrorMessage();
  const key = apiKeysQuery(workspaceId).queryKey;
  const revoke = useMutation({
    mutationFn: (k: TApiKey) => revokeApiKey(workspaceId, k.id),
    onSuccess: (k) => {
      queryClient.setQueryData(key, (list) => list?.map((x) => (x.id === k.id ? k : x)));
      toast.success(t("revoked", { name: k.name }));
    },
    onError: (e) => toast.error(message(e)),
  });
  return (
    <ul className="grid gap-3">
      {keys.map((k) => {
        const state = keyState(k);
        return (
          <li
            key={k.id}
            className={cn(
              "grid gap-3 rounded-lg border bg-card p-4 text-sm sm:grid-cols-[1fr_auto]",
              state !== "active" && "bg-muted/40",
            )}
          >
            <div className="grid min-w-0 gap-2">
              <span className="flex flex-wrap items-center gap-2">
                <KeyRound className="size-4 text-primary" aria-hidden />
                <span className="font-medium">{k.name}</span>
                <code className="rounded bg-muted px-1.5 py-0.5 text-xs" title={t("hint")}>
                  {k.prefix}…
                </code>
                {state !== "active" && (
                  <Badge tone={state === "revoked" ? "danger" : "warning"}>{t(`state.${state}`)}</Badge>
                )}
              </span>
              <ul className="flex flex-wrap gap-1" aria-label={t("scopesOf", { name: k.name })}>
                {k.scopes.map((s) => (
                  <li key={s}>
                    <Badge>{t(scopeKey(s))}</Badge>
                  </li>
                ))}
              </ul>
              <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground">
                <div className="flex gap-1">
                  <dt>{t("created")}</dt>
                  <dd>{formatDate(i18n.language, k.createdAt)}</dd>
                </div>
                <div className="flex gap-1">
                  <dt>{t("lastUsed")}</dt>
                  <dd>{k.lastUsedAt ? formatDateTime(i18n.language, k.lastUsedAt) : t("never")}</dd>
                </div>
                <div className="flex gap-1">
                  <dt>{state === "revoked" ? t("revokedAt") : t("expires")}</dt>
                  <dd>
                    {state === "revoked"
                      ? formatDateTime(i18n.language, k.revokedAt!)
                      : k.expiresAt
                        ? formatDate(i18n.language, k.expiresAt)
                        : t("create.never")}
                  </dd>
                </div>
              </dl>
            </div>
            {state !== "revoked" && (
              <div className="sm:self-center">
                <Button
                  variant="outline"
                  size="sm"
                  className="text-destructive"
                  aria-label={t("revokeNamed", { name: k.name })}
                  disabled={revoke.isPending}
                  onClick={async () => {
                    const ok = await confirm({
                      title: t("revokeTitle", { name: k.name }),
                      body: t("revokeBody"),
                      confirmLabel: t("revoke"),
                      destructive: true,
                    });
                    if (ok) revoke.mutate(k);
                  }}
                >
                  {t("revoke")}
                </Button>
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
