import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { Card } from "../../components/ui/card.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { SkeletonList } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { type Session, type SessionUser, sessionQuery } from "../../lib/session.ts";
import { useFormErrors } from "../auth/errors.ts";
import { FormError } from "../auth/form-error.tsx";
import { updateName } from "./account-api.ts";
import { NS } from "./i18n.ts";

/** The person's name (shown to teammates and in the sidebar) and their sign-in address. */
export function ProfileCard() {
  const user = useQuery(sessionQuery).data?.user;
  // Keyed by the account so a refetch of the session never overwrites what is being typed.
  return <Card>{user ? <ProfileForm key={user.id} user={user} /> : <SkeletonList rows={2} />}</Card>;
}

function ProfileForm({ user }: { user: SessionUser }) {
  const { t } = useTranslation(NS);
  const queryClient = useQueryClient();
  const [name, setName] = useState(user.name);
  const save = useMutation({
    mutationFn: () => updateName(name.trim()),
    onSuccess: () => {
      // The sidebar shows the name: update it at once, then confirm with the server.
      queryClient.setQueryData<Session>(sessionQuery.queryKey, (s) =>
        s ? { ...s, user: { ...s.user, name: name.trim() } } : s,
      );
      void queryClient.invalidateQueries({ queryKey: sessionQuery.queryKey });
      toast.success(t("profile.saved"));
    },
  });
  const errors = useFormErrors(save.error, {});
  return (
    <form
      className="grid gap-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (!save.isPending) save.mutate();
      }}
    >
      <h2 className="text-base font-semibold">{t("profile.title")}</h2>
      <FormError error={errors.form} />
      <Field label={t("profile.name")} hint={t("profile.nameHint")} error={errors.field("name")}>
        <Input
          autoComplete="name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
      </Field>
      <div className="grid gap-1.5">
        <span className="text-sm font-medium leading-none">{t("profile.email")}</span>
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span className="break-all">{user.email}</span>
          <Badge tone={user.emailVerified ? "success" : "warning"}>
            {user.emailVerified ? t("profile.verified") : t("profile.unverified")}
          </Badge>
        </p>
        <p className="text-xs text-muted-foreground">{t("profile.emailHint")}</p>
      </div>
      <div>
        <Button type="submit" disabled={save.isPending || name.trim() === user.name || !name.trim()}>
          {save.isPending ? t("common.saving") : t("common.save")}
        </Button>
      </div>
    </form>
  );
}
