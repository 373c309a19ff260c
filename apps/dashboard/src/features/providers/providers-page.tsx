import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { Cpu, KeyRound, Trash2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { Card } from "../../components/ui/card.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { ErrorState, SkeletonList, useErrorMessage } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { formatUsd } from "../../lib/format.ts";
import { workspacesQuery } from "../../lib/session.ts";
import { PageHeader } from "../shell/page-header.tsx";
import { NS } from "./i18n.ts";
import { ProviderForm } from "./provider-form.tsx";
import { providersQuery, removeProvider, type TProviderEntry } from "./providers-api.ts";

const route = getRouteApi("/signed-in/w/$workspaceId/providers");

export function ProvidersPage() {
  const { t } = useTranslation(NS);
  const { workspaceId } = route.useParams();
  const providers = useQuery(providersQuery(workspaceId));
  const workspaces = useQuery(workspacesQuery);
  const role = workspaces.data?.find((w) => w.id === workspaceId)?.role;
  const canEdit = role === "owner" || role === "admin";
  const list = (providers.data ?? []).filter((p) => p.id !== "builtin");

  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      {providers.isPending ? (
        <SkeletonList rows={4} />
      ) : providers.isError ? (
        <ErrorState error={providers.error} onRetry={() => void providers.refetch()} />
      ) : (
        <div className="grid gap-4">
          <p className="rounded-lg border bg-muted/50 p-4 text-sm">{t("builtinNote")}</p>
          {!canEdit && workspaces.isSuccess && (
            <p className="text-sm text-muted-foreground">{t("readOnly")}</p>
          )}
          <ul className="grid gap-4 lg:grid-cols-2">
            {list.map((p) => (
              <li key={p.id}>
                <ProviderCard workspaceId={workspaceId} provider={p} canEdit={canEdit} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

function SourceBadge({ provider }: { provider: TProviderEntry }) {
  const { t } = useTranslation(NS);
  if (provider.source === "workspace") return <Badge tone="success">{t("source.workspace")}</Badge>;
  if (provider.source === "platform") return <Badge tone="info">{t("source.platform")}</Badge>;
  return <Badge>{t("source.none")}</Badge>;
}

function ProviderCard({
  workspaceId,
  provider: p,
  canEdit,
}: {
  workspaceId: string;
  provider: TProviderEntry;
  canEdit: boolean;
}) {
  const { t, i18n } = useTranslation(NS);
  const [editing, setEditing] = useState(false);
  const confirm = useConfirm();
  const message = useErrorMessage();
  const queryClient = useQueryClient();
  const headingId = `provider-${p.id}`;
  const own = p.source === "workspace";

  const remove = useMutation({
    mutationFn: () => removeProvider(workspaceId, p.id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["providers", workspaceId] });
      toast.success(t("removed", { provider: p.label }));
    },
    onError: (e) => toast.error(message(e)),
  });

  async function askRemove() {
    const ok = await confirm({
      title: t("remove.title", { provider: p.label }),
      body: t("remove.body", { provider: p.label }),
      confirmLabel: t("remove.confirm"),
      destructive: true,
    });
    if (ok) remove.mutate();
  }

  return (
    <Card className="flex h-full flex-col gap-3 p-4" aria-labelledby={headingId} role="group">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h2 id={headingId} className="flex min-w-0 items-center gap-2 font-semibold">
          <Cpu className="size-4 shrink-0 text-primary" aria-hidden />
          <span className="break-words">{p.label}</span>
        </h2>
        <SourceBadge provider={p} />
      </div>
      <dl className="grid gap-1 text-sm">
        {own && p.keyHint && (
          <div className="flex flex-wrap gap-x-2">
            <dt className="text-muted-foreground">{t("keyHint")}</dt>
            <dd className="font-mono" data-key-hint>
              {p.keyHint}
            </dd>
          </div>
        )}
        {own && p.baseUrl && (
          <div className="flex flex-wrap gap-x-2">
            <dt className="text-muted-foreground">{t("baseUrl")}</dt>
            <dd className="break-all font-mono">{p.baseUrl}</dd>
          </div>
        )}
      </dl>
      <p className="text-sm text-muted-foreground">
        {p.source === "platform"
          ? t("platformNote")
          : p.configured
            ? t("ownNote")
            : p.needsBaseUrl
              ? t("notConfiguredServer")
              : t("notConfiguredNote")}
      </p>
      <Models provider={p} lang={i18n.language} />
      {canEdit && (
        <div className="mt-auto flex flex-wrap gap-2 pt-1">
          <Button size="sm" variant={own ? "outline" : "default"} onClick={() => setEditing(true)}>
            <KeyRound aria-hidden />
            {own ? t("replace") : p.needsApiKey ? t("addKey") : t("connect")}
            <span className="sr-only"> — {p.label}</span>
          </Button>
          {own && (
            <Button size="sm" variant="ghost" onClick={() => void askRemove()} disabled={remove.isPending}>
              <Trash2 aria-hidden />
              {t("remove.action")}
              <span className="sr-only"> — {p.label}</span>
            </Button>
          )}
        </div>
      )}
      {editing && (
        <ProviderForm workspaceId={workspaceId} provider={p} open={editing} onOpenChange={setEditing} />
      )}
    </Card>
  );
}

function Models({ provider: p, lang }: { provider: TProviderEntry; lang: string }) {
  const { t } = useTranslation(NS);
  const price = (v: number | null) => (v === null ? "—" : formatUsd(lang, v));
  return (
    <details className="text-sm">
      <summary className="cursor-pointer text-primary underline-offset-4 hover:underline">
        {t("models.summary", { count: p.models.length })}
      </summary>
      <div className="mt-2 grid gap-2">
        {p.acceptsAnyModel && <p className="text-muted-foreground">{t("models.anyModel")}</p>}
        {p.models.length > 0 && (
          <table className="w-full">
            <thead className="text-left text-muted-foreground">
              <tr>
                <th scope="col" className="py-1 pr-2 font-medium">
                  {t("models.model")}
                </th>
                <th scope="col" className="py-1 pr-2 text-right font-medium">
                  {t("models.input")}
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  {t("models.output")}
                </th>
              </tr>
            </thead>
            <tbody>
              {p.models.map((m) => (
                <tr key={m.id} className="border-t">
                  <th scope="row" className="py-1 pr-2 text-left font-normal break-all">
                    {m.label}
                  </th>
                  <td className="py-1 pr-2 text-right tabular-nums">{price(m.inputPerMillion)}</td>
                  <td className="py-1 text-right tabular-nums">{price(m.outputPerMillion)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </details>
  );
}
