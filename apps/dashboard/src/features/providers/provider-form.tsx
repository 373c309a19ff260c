import { ZSaveProviderRequest } from "@minichat/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Label, Textarea } from "../../components/ui/input.tsx";
import { useErrorMessage } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { ApiError } from "../../lib/api.ts";
import { NS } from "./i18n.ts";
import {
  type FormField,
  fieldOfError,
  type SaveBody,
  saveProvider,
  type TProviderEntry,
} from "./providers-api.ts";

/** Add or replace a workspace's key (and server address) for one provider. */
export function ProviderForm(props: {
  workspaceId: string;
  provider: TProviderEntry;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const { t } = useTranslation(NS);
  const p = props.provider;
  const own = p.source === "workspace";
  const showModels = p.needsBaseUrl;
  const [apiKey, setApiKey] = useState("");
  const [baseUrl, setBaseUrl] = useState(own ? (p.baseUrl ?? "") : "");
  const [models, setModels] = useState(own && p.needsBaseUrl ? p.models.map((m) => m.id).join("\n") : "");
  const [skipCheck, setSkipCheck] = useState(false);
  const [issues, setIssues] = useState<Partial<Record<FormField, string>>>({});
  const queryClient = useQueryClient();
  const message = useErrorMessage();

  const save = useMutation({
    mutationFn: (body: SaveBody) => saveProvider(props.workspaceId, p.id, body),
    onSuccess: async (entry) => {
      queryClient.setQueryData<TProviderEntry[]>(["providers", props.workspaceId], (list) =>
        list?.map((x) => (x.id === entry.id ? entry : x)),
      );
      await queryClient.invalidateQueries({ queryKey: ["providers", props.workspaceId] });
      toast.success(
        entry.keyHint
          ? t("saved", { provider: entry.label, hint: entry.keyHint })
          : t("savedNoKey", { provider: entry.label }),
      );
      props.onOpenChange(false);
    },
  });

  // The server's answer, by the field it is about (the provider's own words for a refused key).
  const errorField = fieldOfError(save.error, p.needsBaseUrl || !!baseUrl.trim());
  const serverMessage = (() => {
    if (!(save.error instanceof ApiError) || !errorField) return undefined;
    if (save.error.code === "PROVIDER_CHECK_FAILED") return t("checkFailed", { message: save.error.message });
    return save.error.fieldErrors()[errorField] ?? save.error.message;
  })();
  const err = (f: FormField) => issues[f] ?? (errorField === f ? serverMessage : undefined);

  function submit(e: FormEvent) {
    e.preventDefault();
    const body: SaveBody = {};
    if (apiKey.trim()) body.apiKey = apiKey.trim();
    if (baseUrl.trim()) body.baseUrl = baseUrl.trim();
    const list = models
      .split(/[\n,]/)
      .map((m) => m.trim())
      .filter(Boolean);
    if (showModels && list.length) body.models = list;
    if (skipCheck) body.skipCheck = true;
    const next: Partial<Record<FormField, string>> = {};
    // A new key is needed unless the workspace already has one stored (left empty = keep it).
    if (p.needsApiKey && !body.apiKey && !(own && p.keyHint)) next.apiKey = t("required.apiKey");
    if (p.needsBaseUrl && !body.baseUrl) next.baseUrl = t("required.baseUrl");
    const parsed = ZSaveProviderRequest.safeParse(body);
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const f = String(i.path[0]) as FormField;
        next[f] ??=
          f === "baseUrl" ? t("invalid.baseUrl") : f === "apiKey" ? t("invalid.apiKey") : t("invalid.models");
      }
    }
    setIssues(next);
    if (Object.keys(next).length) return;
    save.mutate(body);
  }

  return (
    <Dialog
      open={props.open}
      onOpenChange={(open) => {
        if (!open) save.reset();
        props.onOpenChange(open);
      }}
      title={own ? t("form.replaceTitle", { provider: p.label }) : t("form.addTitle", { provider: p.label })}
      description={t("form.description")}
    >
      <form className="grid gap-4" onSubmit={submit} noValidate>
        {save.error && !errorField ? (
          <p role="alert" className="rounded-md border border-destructive/40 p-3 text-sm text-destructive">
            {message(save.error)}
          </p>
        ) : null}
        {(p.needsApiKey || p.needsBaseUrl) && (
          <Field
            label={p.needsApiKey ? t("form.apiKey") : t("form.apiKeyOptional")}
            hint={own && p.keyHint ? t("form.apiKeyKeep", { hint: p.keyHint }) : t("form.apiKeyHint")}
            error={err("apiKey")}
          >
            <Input
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
            />
          </Field>
        )}
        <Field
          label={p.needsBaseUrl ? t("form.baseUrl") : t("form.baseUrlOptional")}
          hint={
            p.id === "ollama"
              ? t("form.baseUrlOllama")
              : p.needsBaseUrl
                ? t("form.baseUrlCompatible")
                : t("form.baseUrlHint")
          }
          error={err("baseUrl")}
        >
          <Input
            type="url"
            inputMode="url"
            spellCheck={false}
            placeholder={p.id === "ollama" ? "http://127.0.0.1:11434/api" : "https://"}
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
          />
        </Field>
        {showModels && (
          <Field label={t("form.models")} hint={t("form.modelsHint")} error={err("models")}>
            <Textarea
              rows={3}
              spellCheck={false}
              value={models}
              onChange={(e) => setModels(e.target.value)}
            />
          </Field>
        )}
        {p.needsBaseUrl && (
          <div className="flex items-start gap-2">
            <input
              id={`skip-${p.id}`}
              type="checkbox"
              className="mt-0.5 size-4"
              checked={skipCheck}
              onChange={(e) => setSkipCheck(e.target.checked)}
            />
            <Label htmlFor={`skip-${p.id}`} className="font-normal leading-snug">
              {t("form.skipCheck")}
            </Label>
          </div>
        )}
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button type="button" variant="outline" onClick={() => props.onOpenChange(false)}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? t("form.testing") : t("form.save")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
