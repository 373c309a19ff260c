import type { TWorkspace } from "@minichat/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { MailOpen } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { api } from "../../lib/api.ts";
import { FormError } from "../auth/form-error.tsx";

const route = getRouteApi("/signed-in/invitations/$invitationId");

/** Where the invitation email's link lands (after signing in with the invited address). */
export function AcceptInvitationPage() {
  const { t } = useTranslation();
  const { invitationId } = route.useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const accept = useMutation({
    mutationFn: () =>
      api<TWorkspace>(`/api/v1/invitations/${encodeURIComponent(invitationId)}/accept`, {
        method: "POST",
        body: {},
      }),
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: ["workspaces"] });
      await navigate({ to: "/w/$workspaceId/agents", params: { workspaceId: res.id } });
    },
  });
  return (
    <main className="flex min-h-dvh items-start justify-center bg-muted px-4 pt-16">
      <div className="grid w-full max-w-md gap-4 rounded-lg border bg-card p-6 shadow-sm">
        <MailOpen className="size-8 text-primary" aria-hidden />
        <h1 className="text-xl font-semibold">{t("invitations.title")}</h1>
        <p className="text-sm">{t("invitations.body")}</p>
        <FormError error={accept.error} />
        <Button onClick={() => accept.mutate()} disabled={accept.isPending}>
          {t("invitations.accept")}
        </Button>
      </div>
    </main>
  );
}
