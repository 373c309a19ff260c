import { type TCreateInvitationRequest, ZCreateInvitationRequest } from "@minichat/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { Send } from "lucide-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Card } from "../../components/ui/card.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Select } from "../../components/ui/input.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { ApiError } from "../../lib/api.ts";
import { NS } from "./i18n.ts";
import { invitationsQuery, invite } from "./team-api.ts";
import { isAlreadyMember, isMemberLimit, useTeamErrorMessage } from "./team-errors.ts";

const INVITABLE = ["admin", "operator", "viewer"] as const;

export function InviteForm({ workspaceId }: { workspaceId: string }) {
  const { t } = useTranslation(NS);
  const queryClient = useQueryClient();
  const message = useTeamErrorMessage();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<TCreateInvitationRequest["role"]>("operator");
  const [issue, setIssue] = useState<string | undefined>();
  const send = useMutation({
    mutationFn: (body: TCreateInvitationRequest) => invite(workspaceId, body),
    onSuccess: async (inv) => {
      setEmail("");
      toast.success(t("invite.sent", { email: inv.email }));
      await queryClient.invalidateQueries({ queryKey: invitationsQuery(workspaceId).queryKey });
    },
  });
  const serverIssues = send.error instanceof ApiError ? send.error.fieldErrors() : {};
  // "Already a member" is about the address: said by the email field, like a format error.
  if (isAlreadyMember(send.error)) serverIssues.email = message(send.error);
  const emailError = issue ?? serverIssues.email;
  const formError = send.error && !serverIssues.email && !serverIssues.role ? message(send.error) : undefined;

  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = ZCreateInvitationRequest.safeParse({ email: email.trim(), role });
    if (!parsed.success) {
      setIssue(t("invite.badEmail"));
      return;
    }
    setIssue(undefined);
    send.mutate(parsed.data);
  }

  return (
    <Card className="grid gap-4">
      <div className="grid gap-1">
        <h2 className="text-lg font-semibold">{t("invite.title")}</h2>
        <p className="text-sm text-muted-foreground">{t("invite.body")}</p>
      </div>
      <form className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start" onSubmit={submit} noValidate>
        <Field label={t("invite.email")} error={emailError}>
          <Input
            type="email"
            autoComplete="off"
            maxLength={254}
            placeholder={t("invite.emailPlaceholder")}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label={t("invite.role")} error={serverIssues.role}>
          <Select value={role} onChange={(e) => setRole(e.target.value as typeof role)}>
            {INVITABLE.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" className="sm:mt-[1.375rem]" disabled={send.isPending}>
          <Send aria-hidden />
          {send.isPending ? t("invite.sending") : t("invite.submit")}
        </Button>
      </form>
      <p className="text-xs text-muted-foreground">{t(`invite.roleHint.${role}`)}</p>
      {formError && (
        <div role="alert" className="grid gap-2 rounded-md border border-destructive/40 p-3 text-sm">
          <p className="text-destructive">{formError}</p>
          {isMemberLimit(send.error) && (
            <Link
              to="/w/$workspaceId/billing"
              params={{ workspaceId }}
              className="font-medium text-primary underline underline-offset-4"
            >
              {t("invite.upgrade")}
            </Link>
          )}
        </div>
      )}
    </Card>
  );
}
