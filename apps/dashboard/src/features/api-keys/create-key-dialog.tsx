import { API_KEY_SCOPES, type TApiKeyScope, ZCreateApiKeyRequest } from "@minichat/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Select } from "../../components/ui/input.tsx";
import { ApiError } from "../../lib/api.ts";
import { FormError } from "../auth/form-error.tsx";
import { apiKeysQuery, createApiKey, groupScopes, scopeKey, type TCreatedApiKey } from "./api-keys-api.ts";
import { NS } from "./i18n.ts";

const EXPIRY = ["", "30", "90", "365"] as const;

/** Name, scopes and expiry; on success hands the created key (with its secret) to `onCreated`. */
export function CreateKeyDialog(props: {
  workspaceId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (key: TCreatedApiKey) => void;
}) {
  const { t } = useTranslation(NS);
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<TApiKeyScope[]>([...API_KEY_SCOPES]);
  const [expiry, setExpiry] = useState<(typeof EXPIRY)[number]>("");
  const [issues, setIssues] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: (body: Parameters<typeof createApiKey>[1]) => createApiKey(props.workspaceId, body),
    onSuccess: async (key) => {
      setName("");
      setScopes([...API_KEY_SCOPES]);
      setExpiry("");
      props.onCreated(key);
      await queryClient.invalidateQueries({ queryKey: apiKeysQuery(props.workspaceId).queryKey });
    },
  });
  const server = create.error instanceof ApiError ? create.error.fieldErrors() : {};
  const err = (k: string) => issues[k] ?? server[k];
  const toggle = (s: TApiKeyScope, on: boolean) =>
    setScopes((list) =>
      on ? API_KEY_SCOPES.filter((x) => x === s || list.includes(x)) : list.filter((x) => x !== s),
    );

  function submit(e: FormEvent) {
    e.preventDefault();
    const body = { name, scopes, ...(expiry ? { expiresInDays: Number(expiry) } : {}) };
    // The server's own schema: what passes here passes there.
    const parsed = ZCreateApiKeyRequest.safeParse(body);
    if (!parsed.success) {
      const out: Record<string, string> = {};
      for (const i of parsed.error.issues) {
        const field = String(i.path[0] ?? "");
        out[field] ??=
          field === "name"
            ? t(name.trim() ? "create.nameTooLong" : "create.nameRequired")
            : t("create.scopesRequired");
      }
      setIssues(out);
      return;
    }
    setIssues({});
    create.mutate(parsed.data);
  }

  return (
    <Dialog
      open={props.open}
      onOpenChange={props.onOpenChange}
      title={t("create.title")}
      description={t("create.body")}
    >
      <form className="grid gap-5" onSubmit={submit} noValidate>
        {create.error && !server.name && !server.scopes ? <FormError error={create.error} /> : null}
        <Field label={t("create.name")} hint={t("create.nameHint")} error={err("name")}>
          <Input maxLength={80} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <fieldset className="grid gap-2" aria-describedby={err("scopes") ? "scopes-error" : undefined}>
          <legend className="mb-1 text-sm font-medium">{t("create.scopes")}</legend>
          <div className="grid gap-3 sm:grid-cols-2">
            {groupScopes(API_KEY_SCOPES).map((g) => (
              <div key={g.area} className="grid gap-1.5 rounded-md border p-3">
                <span className="text-xs font-medium text-muted-foreground">{t(`areas.${g.area}`)}</span>
                {g.scopes.map((s) => (
                  <label key={s} className="flex items-center gap-2 text-sm">
                    <input
                      type="checkbox"
                      className="size-4 accent-primary"
                      checked={scopes.includes(s)}
                      onChange={(e) => toggle(s, e.target.checked)}
                    />
                    {t(scopeKey(s))}
                  </label>
                ))}
              </div>
            ))}
          </div>
          {err("scopes") && (
            <p id="scopes-error" className="text-sm text-destructive">
              {err("scopes")}
            </p>
          )}
        </fieldset>
        <Field label={t("create.expiry")} error={err("expiresInDays")}>
          <Select value={expiry} onChange={(e) => setExpiry(e.target.value as typeof expiry)}>
            {EXPIRY.map((d) => (
              <option key={d} value={d}>
                {d ? t(`create.expiryDays.${d}`) : t("create.never")}
              </option>
            ))}
          </Select>
        </Field>
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button type="button" variant="outline" onClick={() => props.onOpenChange(false)}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" disabled={create.isPending}>
            {create.isPending ? t("create.creating") : t("create.submit")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
