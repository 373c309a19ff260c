import type { TRole } from "@minichat/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { UserMinus } from "lucide-react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { Select } from "../../components/ui/input.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { formatDate } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import { changeRole, membersQuery, removeMember, type TMember, teamPermissions } from "./team-api.ts";
import { useTeamErrorMessage } from "./team-errors.ts";

export function MembersList(props: {
  workspaceId: string;
  members: TMember[];
  myUserId: string | undefined;
  myRole: TRole | undefined;
}) {
  const { t, i18n } = useTranslation(NS);
  const { workspaceId } = props;
  const queryClient = useQueryClient();
  const confirm = useConfirm();
  const message = useTeamErrorMessage();
  const navigate = useNavigate();
  const key = membersQuery(workspaceId).queryKey;
  const can = teamPermissions(props.myRole);
  const owners = props.members.filter((m) => m.role === "owner").length;

  const setRole = useMutation({
    mutationFn: (v: { member: TMember; role: TRole }) => changeRole(workspaceId, v.member.id, v.role),
    // Optimistic: the select shows the new role at once and goes back if the server refuses.
    onMutate: async ({ member, role }) => {
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData(key);
      queryClient.setQueryData(key, (list) => list?.map((m) => (m.id === member.id ? { ...m, role } : m)));
      return { before };
    },
    onError: (e, _, ctx) => {
      queryClient.setQueryData(key, ctx?.before);
      toast.error(message(e));
    },
    onSuccess: (m) => toast.success(t("members.roleChanged", { name: m.name, role: t(`roles.${m.role}`) })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const remove = useMutation({
    mutationFn: (member: TMember) => removeMember(workspaceId, member.id),
    onSuccess: async (_, member) => {
      if (member.userId === props.myUserId) {
        toast.success(t("members.left"));
        await queryClient.invalidateQueries({ queryKey: ["workspaces"] });
        await navigate({ to: "/" });
        return;
      }
      toast.success(t("members.removed", { name: member.name }));
      queryClient.setQueryData(key, (list) => list?.filter((m) => m.id !== member.id));
    },
    onError: (e) => toast.error(message(e)),
  });

  async function askRemove(member: TMember, self: boolean) {
    const ok = await confirm(
      self
        ? {
            title: t("members.leaveTitle"),
            body: t("members.leaveBody"),
            confirmLabel: t("members.leave"),
            destructive: true,
          }
        : {
            title: t("members.removeTitle", { name: member.name }),
            body: t("members.removeBody"),
            confirmLabel: t("members.remove"),
            destructive: true,
          },
    );
    if (ok) remove.mutate(member);
  }

  return (
    <ul className="grid gap-2">
      {props.members.map((m) => {
        const self = m.userId === props.myUserId;
        const onlyOwner = m.role === "owner" && owners <= 1;
        const editable = !self && !onlyOwner && can.changeRole(m.role);
        return (
          <li key={m.id} className="flex flex-wrap items-center gap-3 rounded-lg border bg-card p-3 text-sm">
            <span
              aria-hidden
              className="flex size-9 shrink-0 items-center justify-center rounded-full bg-muted font-semibold uppercase"
            >
              {(m.name || m.email).slice(0, 1)}
            </span>
            <div className="grid min-w-0 flex-1 gap-0.5">
              <span className="flex flex-wrap items-center gap-2 font-medium">
                <span className="truncate">{m.name || m.email}</span>
                {self && <Badge tone="info">{t("members.you")}</Badge>}
              </span>
              <span className="truncate text-muted-foreground">{m.email}</span>
              <span className="text-xs text-muted-foreground">
                {t("members.joined", { date: formatDate(i18n.language, m.joinedAt) })}
              </span>
            </div>
            <div className="flex items-center gap-2">
              {editable ? (
                <Select
                  className="w-36"
                  aria-label={t("members.roleOf", { name: m.name || m.email })}
                  value={m.role}
                  disabled={setRole.isPending}
                  onChange={(e) => setRole.mutate({ member: m, role: e.target.value as TRole })}
                >
                  {can.grantable.map((r) => (
                    <option key={r} value={r}>
                      {t(`roles.${r}`)}
                    </option>
                  ))}
                </Select>
              ) : (
                <Badge tone={m.role === "owner" ? "success" : "neutral"}>{t(`roles.${m.role}`)}</Badge>
              )}
              {self && m.role !== "owner" ? (
                <Button variant="outline" size="sm" onClick={() => void askRemove(m, true)}>
                  {t("members.leave")}
                </Button>
              ) : (
                !self &&
                can.remove(m.role) && (
                  <Button
                    variant="ghost"
                    size="sm"
                    className="text-destructive"
                    aria-label={t("members.removeNamed", { name: m.name || m.email })}
                    disabled={remove.isPending}
                    onClick={() => void askRemove(m, false)}
                  >
                    <UserMinus aria-hidden />
                    {t("members.remove")}
                  </Button>
                )
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
