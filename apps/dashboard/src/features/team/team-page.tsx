import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useTranslation } from "react-i18next";
import { ErrorState, SkeletonList } from "../../components/ui/states.tsx";
import { sessionQuery, workspacesQuery } from "../../lib/session.ts";
import { PageHeader } from "../shell/page-header.tsx";
import { NS } from "./i18n.ts";
import { InvitationsList } from "./invitations-list.tsx";
import { InviteForm } from "./invite-form.tsx";
import { MembersList } from "./members-list.tsx";
import { membersQuery, teamPermissions } from "./team-api.ts";

const route = getRouteApi("/signed-in/w/$workspaceId/team");

export function TeamPage() {
  const { t } = useTranslation(NS);
  const { workspaceId } = route.useParams();
  const session = useQuery(sessionQuery);
  const workspaces = useQuery(workspacesQuery);
  const members = useQuery(membersQuery(workspaceId));
  const myRole = workspaces.data?.find((w) => w.id === workspaceId)?.role;
  const can = teamPermissions(myRole);
  return (
    <>
      <PageHeader
        title={t("title")}
        description={myRole ? t("yourRole", { role: t(`roles.${myRole}`) }) : t("description")}
      />
      <div className="grid gap-8">
        {can.invite && <InviteForm workspaceId={workspaceId} />}
        <section aria-labelledby="members-title" className="grid gap-3">
          <h2 id="members-title" className="text-lg font-semibold">
            {t("members.title")}
          </h2>
          {members.isPending ? (
            <SkeletonList rows={2} />
          ) : members.isError ? (
            <ErrorState error={members.error} onRetry={() => void members.refetch()} />
          ) : (
            <MembersList
              workspaceId={workspaceId}
              members={members.data}
              myUserId={session.data?.user.id}
              myRole={myRole}
            />
          )}
          {can.invite && members.data?.length === 1 && (
            <p className="text-sm text-muted-foreground">{t("alone")}</p>
          )}
          {!can.invite && myRole && <p className="text-sm text-muted-foreground">{t("askAdmin")}</p>}
        </section>
        {can.invite && <InvitationsList workspaceId={workspaceId} />}
      </div>
    </>
  );
}
