import type { TRole } from "@minichat/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link2, RotateCw, X } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { ErrorState, SkeletonList } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { formatDateTime } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import { cancelInvitation, invitationLink, invitationsQuery, invite, type TInvitation } from "./team-api.ts";
import { useTeamErrorMessage } from "./team-errors.ts";

export function InvitationsList({ workspaceId }: { workspaceId: string }) {
  const { t, i18n } = useTranslation(NS);
  const invitations = useQuery(invitationsQuery(workspaceId));
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const message = useTeamErrorMessage();
  const refresh = () => queryClient.invalidateQueries({ queryKey: invitationsQuery(workspaceId).queryKey });
  const resend = useMutation({
    mutationFn: (i: TInvitation) =>
      invite(workspaceId, { email: i.email, role: i.role as Exclude<TRole, "owner"> }),
    onSuccess: (i) => toast.success(t("invite.sent", { email: i.email })),
    onError: (e) => toast.error(message(e)),
    onSettled: refresh,
  });
  const revoke = useMutation({
    mutationFn: (i: TInvitation) => cancelInvitation(workspaceId, i.id),
    onSuccess: (i) => toast.success(t("invitations.revoked", { email: i.email })),
    onError: (e) => toast.error(message(e)),
    onSettled: refresh,
  });
  const copy = async (i: TInvitation) => {
    try {
      await navigator.clipboard.writeText(invitationLink(i.id));
      toast.success(t("invitations.linkCopied"));
    } catch {
      toast.error(t("invitations.copyFailed", { link: invitationLink(i.id) }));
    }
  };

  return (
    <section aria-labelledby="invitations-title" className="grid gap-3">
      <h2 id="invitations-title" className="text-lg font-semibold">
        {t("invitations.title")}
      </h2>
      {invitations.isPending ? (
        <SkeletonList rows={1} />
      ) : invitations.isError ? (
        <ErrorState error={invitations.error} onRetry={() => void invitations.refetch()} />
      ) : invitations.data.length === 0 ? (
        <p className="text-sm text-muted-foreground">{t("invitations.none")}</p>
      ) : (
        <ul className="grid gap-2">
          {invitations.data.map((i) => (
            <li
              key={i.id}
              className="flex flex-wrap items-center justify-between gap-3 rounded-lg border bg-card p-3 text-sm"
            >
              <div className="grid min-w-0 gap-1">
                <span className="truncate font-medium">{i.email}</span>
                <span className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
                  <Badge>{t(`roles.${i.role}`)}</Badge>
                  {i.status === "expired" ? (
                    <Badge tone="warning">{t("invitations.expired")}</Badge>
                  ) : (
                    t("invitations.expires", { date: formatDateTime(i18n.language, i.expiresAt) })
                  )}
                </span>
              </div>
              <div className="flex flex-wrap gap-1">
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={t("invitations.copyLinkFor", { email: i.email })}
                  onClick={() => void copy(i)}
                >
                  <Link2 aria-hidden />
                  {t("invitations.copyLink")}
                </Button>
                <Button
                  variant="ghost"
                  size="sm"
                  disabled={resend.isPending}
                  onClick={() => resend.mutate(i)}
                  aria-label={t("invitations.resendTo", { email: i.email })}
                >
                  <RotateCw aria-hidden />
                  {t("invitations.resend")}
                </Button>
                <Button
                  variant="ghost"
                  size="sm"
                  className="text-destructive"
                  disabled={revoke.isPending}
                  aria-label={t("invitations.revokeFor", { email: i.email })}
                  onClick={async () => {
                    const ok = await confirm({
                      title: t("invitations.revokeTitle"),
                      body: t("invitations.revokeBody", { email: i.email }),
                      confirmLabel: t("invitations.revoke"),
                      destructive: true,
                    });
                    if (ok) revoke.mutate(i);
                  }}
                >
                  <X aria-hidden />
                  {t("invitations.revoke")}
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
