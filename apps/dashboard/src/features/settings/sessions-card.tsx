import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { Monitor, Smartphone } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { Card } from "../../components/ui/card.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { ErrorState, SkeletonList } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { ApiError } from "../../lib/api.ts";
import { formatDateTime } from "../../lib/format.ts";
import { sessionQuery, signOut } from "../../lib/session.ts";
import { useErrorText } from "../auth/errors.ts";
import { type AccountSession, revokeOtherSessions, revokeSession, sessionsQuery } from "./account-api.ts";
import { NS } from "./i18n.ts";
import { parseUserAgent } from "./user-agent.ts";

/** Where the account is signed in; any other device can be signed out from here. */
export function SessionsCard() {
  const { t, i18n } = useTranslation(NS);
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const errorText = useErrorText();
  const current = useQuery(sessionQuery).data?.session.id;
  const sessions = useQuery(sessionsQuery);
  const others = (sessions.data ?? []).filter((s) => s.id !== current);

  // Optimistic: the row goes at once and comes back if the server refuses.
  const removeWhere = async (gone: (s: AccountSession) => boolean) => {
    await queryClient.cancelQueries({ queryKey: sessionsQuery.queryKey });
    const before = queryClient.getQueryData(sessionsQuery.queryKey);
    queryClient.setQueryData(sessionsQuery.queryKey, (list) => list?.filter((s) => !gone(s)));
    return { before };
  };
  const rollback = (err: Error, _v: unknown, ctx: { before?: AccountSession[] | undefined } | undefined) => {
    queryClient.setQueryData(sessionsQuery.queryKey, ctx?.before);
    toast.error(errorText(err));
  };
  const revokeOne = useMutation({
    mutationFn: (s: AccountSession) => revokeSession(s.token),
    onMutate: (s) => removeWhere((x) => x.id === s.id),
    onError: rollback,
    onSuccess: () => toast.success(t("sessions.revoked")),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionsQuery.queryKey }),
  });
  const revokeAll = useMutation({
    mutationFn: revokeOtherSessions,
    onMutate: () => removeWhere((x) => x.id !== current),
    onError: rollback,
    onSuccess: () => toast.success(t("sessions.revokedOthers")),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionsQuery.queryKey }),
  });

  const deviceName = (s: AccountSession) => {
    const d = parseUserAgent(s.userAgent);
    if (d.browser && d.os) return t("sessions.device", { browser: d.browser, os: d.os });
    return d.browser ?? d.os ?? t("sessions.unknownDevice");
  };

  return (
    <Card className="grid gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="grid gap-1">
          <h2 className="text-base font-semibold">{t("sessions.title")}</h2>
          <p className="text-sm text-muted-foreground">{t("sessions.body")}</p>
        </div>
        {others.length > 0 && (
          <Button
            variant="outline"
            disabled={revokeAll.isPending}
            onClick={async () => {
              const ok = await confirm({
                title: t("sessions.revokeOthersTitle"),
                body: t("sessions.revokeOthersBody"),
                confirmLabel: t("sessions.revokeOthers"),
                destructive: true,
              });
              if (ok) revokeAll.mutate();
            }}
          >
            {t("sessions.revokeOthers")}
          </Button>
        )}
      </div>
      {sessions.isPending ? (
        <SkeletonList rows={2} />
      ) : sessions.isError ? (
        sessions.error instanceof ApiError && sessions.error.code === "SESSION_NOT_FRESH" ? (
          <NotFresh />
        ) : (
          <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
        )
      ) : (
        <>
          <ul className="grid divide-y rounded-md border">
            {[...sessions.data]
              .sort(
                (a, b) =>
                  Number(b.id === current) - Number(a.id === current) ||
                  b.updatedAt.localeCompare(a.updatedAt),
              )
              .map((s) => {
                const d = parseUserAgent(s.userAgent);
                const Icon = d.mobile ? Smartphone : Monitor;
                const name = deviceName(s);
                const mine = s.id === current;
                return (
                  <li key={s.id} className="flex flex-wrap items-center gap-3 p-3">
                    <Icon className="size-5 shrink-0 text-muted-foreground" aria-hidden />
                    <div className="grid min-w-0 flex-1 gap-0.5">
                      <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
                        {name}
                        {mine && <Badge tone="success">{t("sessions.thisDevice")}</Badge>}
                      </p>
                      <p className="text-xs text-muted-foreground">
                        {[
                          s.ipAddress ? t("sessions.ip", { ip: s.ipAddress }) : null,
                          t("sessions.signedIn", { date: formatDateTime(i18n.language, s.createdAt) }),
                          t("sessions.lastActive", { date: formatDateTime(i18n.language, s.updatedAt) }),
                        ]
                          .filter(Boolean)
                          .join(" · ")}
                      </p>
                    </div>
                    {!mine && (
                      <Button
                        variant="outline"
                        size="sm"
                        disabled={revokeOne.isPending}
                        onClick={async () => {
                          const ok = await confirm({
                            title: t("sessions.revokeTitle", { device: name }),
                            body: t("sessions.revokeBody"),
                            confirmLabel: t("sessions.revoke"),
                            destructive: true,
                          });
                          if (ok) revokeOne.mutate(s);
                        }}
                      >
                        {t("sessions.revoke")}
                        <span className="sr-only">{name}</span>
                      </Button>
                    )}
                  </li>
                );
              })}
          </ul>
          {others.length === 0 && <p className="text-sm text-muted-foreground">{t("sessions.onlyThis")}</p>}
        </>
      )}
    </Card>
  );
}

/** Better Auth shows sessions only to a recent sign-in; offer one, coming back here after. */
function NotFresh() {
  const { t } = useTranslation(NS);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const again = useMutation({
    mutationFn: signOut,
    onSuccess: async () => {
      queryClient.setQueryData(sessionQuery.queryKey, null);
      await navigate({ to: "/sign-in", search: { redirect: location.pathname } });
    },
  });
  return (
    <div className="flex flex-col items-start gap-3 rounded-md border border-dashed p-4">
      <p className="text-sm">{t("sessions.notFresh")}</p>
      <Button variant="outline" disabled={again.isPending} onClick={() => again.mutate()}>
        {t("sessions.signInAgain")}
      </Button>
    </div>
  );
}
