import { type TWorkspace, ZCreateWorkspaceRequest } from "@minichat/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { Building2 } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { LanguageSelect } from "../../components/language-select.tsx";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { api } from "../../lib/api.ts";
import { FormError } from "../auth/form-error.tsx";

export function CreateWorkspacePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [invalid, setInvalid] = useState(false);
  const mutation = useMutation({
    mutationFn: (body: { name: string }) => api<TWorkspace>("/api/v1/workspaces", { body }),
    onSuccess: async (ws) => {
      await queryClient.invalidateQueries({ queryKey: ["workspaces"] });
      await navigate({ to: "/w/$workspaceId/agents", params: { workspaceId: ws.id } });
    },
  });
  return (
    <div className="flex min-h-dvh flex-col bg-muted">
      <header className="flex justify-end p-4">
        <LanguageSelect />
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-8">
        <form
          className="grid w-full max-w-md gap-4 rounded-lg border bg-card p-6 shadow-sm"
          onSubmit={(e) => {
            e.preventDefault();
            // Same schema as the server, so a bad name is caught before the request.
            const parsed = ZCreateWorkspaceRequest.safeParse({ name });
            setInvalid(!parsed.success);
            if (parsed.success) mutation.mutate(parsed.data);
          }}
        >
          <Building2 className="size-8 text-primary" aria-hidden />
          <div className="grid gap-1">
            <h1 className="text-xl font-semibold">{t("workspaces.create.title")}</h1>
            <p className="text-sm text-muted-foreground">{t("workspaces.create.body")}</p>
          </div>
          <FormError error={mutation.error} />
          <Field label={t("workspaces.name")} error={invalid ? t("workspaces.nameInvalid") : undefined}>
            <Input
              required
              maxLength={80}
              placeholder={t("workspaces.namePlaceholder")}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </Field>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t("common.saving") : t("workspaces.create.submit")}
          </Button>
        </form>
      </main>
    </div>
  );
}
