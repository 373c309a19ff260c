import {
  type TCreateActionRequest,
  type TUpdateActionRequest,
  ZCreateActionRequest,
  ZUpdateActionRequest,
} from "@minichat/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input, Select, Textarea } from "../../components/ui/input.tsx";
import { useErrorMessage } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import {
  type ActionDraft,
  METHODS,
  PARAM_TYPES,
  type ParamRow,
  parametersOf,
  rowsFromSchema,
  schemaFromRows,
  toActionBody,
  toActionDraft,
} from "./action-draft.ts";
import { actionsQuery, createAction, type TAction, updateAction } from "./agents-api.ts";
import { CheckboxField } from "./editor-ui.tsx";
import { type FieldIssue, fromServer, fromZod, messagesByPath } from "./field-errors.ts";
import { NS } from "./i18n.ts";

export function ActionDialog(props: {
  workspaceId: string;
  agentId: string;
  action?: TAction | undefined;
  onClose: () => void;
}) {
  const { t } = useTranslation(NS);
  const confirm = useConfirm();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [initial] = useState(() => toActionDraft(props.action));
  const [d, setD] = useState<ActionDraft>(initial);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const set = (patch: Partial<ActionDraft>) => setD((x) => ({ ...x, ...patch }));

  const save = useMutation({
    mutationFn: (body: TCreateActionRequest | TUpdateActionRequest) =>
      props.action
        ? updateAction(props.workspaceId, props.agentId, props.action.id, body)
        : createAction(props.workspaceId, props.agentId, body as TCreateActionRequest),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries(actionsQuery(props.workspaceId, props.agentId));
      toast.success(
        t(props.action ? "editor.actions.saved" : "editor.actions.created", { name: saved.name }),
      );
      props.onClose();
    },
  });
  const serverIssues = fromServer(save.error);
  const errors = messagesByPath([...issues, ...serverIssues], t, "action");
  const formError = save.error && serverIssues.length === 0 ? errorText(save.error) : null;

  function submit(e: FormEvent) {
    e.preventDefault();
    // The dialog renders in a portal but inside the agent form in React's tree: keep this
    // submit from reaching the agent's Save.
    e.stopPropagation();
    const parameters = parametersOf(d);
    if (parameters === "json") {
      setIssues([{ path: "parametersJson", code: "json" }]);
      return;
    }
    const body = toActionBody(d, parameters);
    const parsed = (props.action ? ZUpdateActionRequest : ZCreateActionRequest).safeParse(body);
    if (!parsed.success) {
      setIssues(fromZod(parsed.error.issues));
      return;
    }
    setIssues([]);
    save.mutate(parsed.data);
  }

  async function close() {
    const changed = JSON.stringify(d) !== JSON.stringify(initial);
    if (
      changed &&
      !(await confirm({
        title: t("editor.actions.discardTitle"),
        confirmLabel: t("editor.discard"),
        destructive: true,
      }))
    ) {
      return;
    }
    props.onClose();
  }

  function switchMode(mode: ActionDraft["paramsMode"]) {
    if (mode === "json") {
      set({ paramsMode: "json", paramsJson: JSON.stringify(schemaFromRows(d.params), null, 2) });
      return;
    }
    const parameters = parametersOf(d);
    const rows = parameters === "json" ? null : rowsFromSchema(parameters);
    if (!rows) {
      setIssues([{ path: "parametersJson", code: "simple" }]);
      return;
    }
    setIssues([]);
    set({ paramsMode: "simple", params: rows });
  }

  const paramError =
    issues.find((i) => i.path === "parametersJson")?.code === "simple"
      ? t("editor.errors.notSimple")
      : issues.some((i) => i.path === "parametersJson")
        ? t("editor.errors.json")
        : Object.entries(errors).find(([k]) => k.startsWith("parameters"))?.[1];

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && void close()}
      title={
        props.action
          ? t("editor.actions.editTitle", { name: props.action.name })
          : t("editor.actions.addTitle")
      }
      description={t("editor.actions.dialogDescription")}
      className="max-w-2xl"
    >
      <form className="grid gap-5" onSubmit={submit} noValidate>
        {formError && (
          <p role="alert" className="rounded-md border border-destructive/40 p-3 text-sm text-destructive">
            {formError}
          </p>
        )}
        <Field label={t("editor.actions.name")} hint={t("editor.actions.nameHint")} error={errors.name}>
          <Input
            className="font-mono"
            maxLength={48}
            placeholder="check_order_status"
            spellCheck={false}
            value={d.name}
            onChange={(e) => set({ name: e.target.value })}
          />
        </Field>
        <Field
          label={t("editor.actions.descriptionLabel")}
          hint={t("editor.actions.descriptionHint")}
          error={errors.description}
        >
          <Textarea
            rows={3}
            maxLength={1000}
            placeholder={t("editor.actions.descriptionPlaceholder")}
            value={d.description}
            onChange={(e) => set({ description: e.target.value })}
          />
        </Field>
        <div className="grid gap-5 sm:grid-cols-[8rem_minmax(0,1fr)]">
          <Field label={t("editor.actions.method")} error={errors.method}>
            <Select
              value={d.method}
              onChange={(e) => set({ method: e.target.value as ActionDraft["method"] })}
            >
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t("editor.actions.url")} hint={t("editor.actions.urlHint")} error={errors.url}>
            <Input
              type="url"
              inputMode="url"
              placeholder="https://api.example.com/orders"
              value={d.url}
              onChange={(e) => set({ url: e.target.value })}
            />
          </Field>
        </div>

        <fieldset className="grid gap-3">
          <legend className="mb-1.5 text-sm font-medium">{t("editor.actions.parameters")}</legend>
          <p className="-mt-1 text-xs text-muted-foreground">{t("editor.actions.parametersHint")}</p>
          <fieldset className="flex gap-2">
            <legend className="sr-only">{t("editor.actions.parametersMode")}</legend>
            <Button
              type="button"
              size="sm"
              variant={d.paramsMode === "simple" ? "default" : "outline"}
              aria-pressed={d.paramsMode === "simple"}
              onClick={() => switchMode("simple")}
            >
              {t("editor.actions.simple")}
            </Button>
            <Button
              type="button"
              size="sm"
              variant={d.paramsMode === "json" ? "default" : "outline"}
              aria-pressed={d.paramsMode === "json"}
              onClick={() => switchMode("json")}
            >
              {t("editor.actions.json")}
            </Button>
          </fieldset>
          {d.paramsMode === "simple" ? (
            <ParamRows rows={d.params} onChange={(params) => set({ params })} />
          ) : (
            <Field label={t("editor.actions.schema")} error={paramError}>
              <Textarea
                rows={8}
                className="font-mono text-xs"
                spellCheck={false}
                value={d.paramsJson}
                onChange={(e) => set({ paramsJson: e.target.value })}
              />
            </Field>
          )}
          {d.paramsMode === "simple" && paramError && (
            <p className="text-sm text-destructive">{paramError}</p>
          )}
        </fieldset>

        <Headers d={d} set={set} errors={errors} />

        <div className="grid gap-5 sm:grid-cols-2">
          <Field
            label={t("editor.actions.timeout")}
            hint={t("editor.actions.timeoutHint")}
            error={errors.timeoutMs}
          >
            <Input
              type="number"
              inputMode="decimal"
              min={0.5}
              max={30}
              step={0.5}
              value={d.timeoutSeconds}
              onChange={(e) => set({ timeoutSeconds: e.target.value })}
            />
          </Field>
          <div className="sm:pt-7">
            <CheckboxField
              label={t("editor.actions.enabled")}
              hint={t("editor.actions.enabledHint")}
              checked={d.enabled}
              onChange={(enabled) => set({ enabled })}
            />
          </div>
        </div>

        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button type="button" variant="outline" onClick={() => void close()}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" disabled={save.isPending}>
            {save.isPending
              ? t("common.saving")
              : props.action
                ? t("common.save")
                : t("editor.actions.create")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function ParamRows(props: { rows: ParamRow[]; onChange: (rows: ParamRow[]) => void }) {
  const { t } = useTranslation(NS);
  const { rows } = props;
  const update = (i: number, patch: Partial<ParamRow>) =>
    props.onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="grid gap-3">
      {rows.length === 0 && (
        <p className="text-sm text-muted-foreground">{t("editor.actions.noParameters")}</p>
      )}
      {rows.map((r, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, without ids
        <div key={i} className="grid gap-3 rounded-md border p-3">
          <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_9rem]">
            <Field label={t("editor.actions.paramName", { n: i + 1 })}>
              <Input
                className="font-mono"
                maxLength={64}
                placeholder="order_id"
                spellCheck={false}
                value={r.name}
                onChange={(e) => update(i, { name: e.target.value })}
              />
            </Field>
            <Field label={t("editor.actions.paramType", { n: i + 1 })}>
              <Select
                value={r.type}
                onChange={(e) => update(i, { type: e.target.value as ParamRow["type"] })}
              >
                {PARAM_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {t(`editor.actions.types.${type}`)}
                  </option>
                ))}
              </Select>
            </Field>
          </div>
          <Field label={t("editor.actions.paramDescription", { n: i + 1 })}>
            <Input
              maxLength={500}
              placeholder={t("editor.actions.paramDescriptionPlaceholder")}
              value={r.description}
              onChange={(e) => update(i, { description: e.target.value })}
            />
          </Field>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <CheckboxField
              label={t("editor.actions.paramRequired", { n: i + 1 })}
              checked={r.required}
              onChange={(required) => update(i, { required })}
            />
            <Button
              type="button"
              variant="ghost"
              size="sm"
              aria-label={t("editor.actions.removeParam", { n: i + 1 })}
              onClick={() => props.onChange(rows.filter((_, j) => j !== i))}
            >
              <Trash2 aria-hidden />
              {t("common.delete")}
            </Button>
          </div>
        </div>
      ))}
      <div>
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() =>
            props.onChange([...rows, { name: "", type: "string", description: "", required: true }])
          }
        >
          <Plus aria-hidden />
          {t("editor.actions.addParam")}
        </Button>
      </div>
    </div>
  );
}

/** Header values are secrets: saved ones show only their names; changing any means re-entering all. */
function Headers({
  d,
  set,
  errors,
}: {
  d: ActionDraft;
  set: (p: Partial<ActionDraft>) => void;
  errors: Record<string, string>;
}) {
  const { t } = useTranslation(NS);
  const headerError = Object.entries(errors).find(([k]) => k.startsWith("headers"))?.[1];
  if (!d.replaceHeaders) {
    return (
      <fieldset className="grid gap-2">
        <legend className="mb-1.5 text-sm font-medium">{t("editor.actions.headers")}</legend>
        {d.savedHeaderNames.length === 0 ? (
          <p className="text-sm text-muted-foreground">{t("editor.actions.noHeaders")}</p>
        ) : (
          <ul className="grid gap-1">
            {d.savedHeaderNames.map((name) => (
              <li key={name} className="flex flex-wrap items-center gap-2 font-mono text-sm">
                <span>{name}:</span>
                <span className="text-muted-foreground" aria-hidden>
                  ••••••••
                </span>
                <span className="sr-only">{t("editor.actions.hiddenValue")}</span>
              </li>
            ))}
          </ul>
        )}
        <p className="text-xs text-muted-foreground">{t("editor.actions.headersWriteOnly")}</p>
        {headerError && <p className="text-sm text-destructive">{headerError}</p>}
        <div>
          <Button
            type="button"
            variant="outline"
            size="sm"
            onClick={() =>
              set({
                replaceHeaders: true,
                headers: d.savedHeaderNames.length
                  ? d.savedHeaderNames.map((name) => ({ name, value: "" }))
                  : [{ name: "", value: "" }],
              })
            }
          >
            {d.savedHeaderNames.length ? t("editor.actions.replaceHeaders") : t("editor.actions.addHeader")}
          </Button>
        </div>
      </fieldset>
    );
  }
  const update = (i: number, patch: Partial<ActionDraft["headers"][number]>) =>
    set({ headers: d.headers.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  return (
    <fieldset className="grid gap-3">
      <legend className="mb-1.5 text-sm font-medium">{t("editor.actions.headers")}</legend>
      <p className="-mt-1 text-xs text-muted-foreground">{t("editor.actions.headersHint")}</p>
      {d.headers.map((h, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place, without ids
        <div key={i} className="grid items-end gap-2 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto]">
          <Field label={t("editor.actions.headerName", { n: i + 1 })}>
            <Input
              className="font-mono"
              placeholder="Authorization"
              spellCheck={false}
              value={h.name}
              onChange={(e) => update(i, { name: e.target.value })}
            />
          </Field>
          <Field label={t("editor.actions.headerValue", { n: i + 1 })}>
            <Input
              type="password"
              autoComplete="off"
              placeholder="Bearer …"
              value={h.value}
              onChange={(e) => update(i, { value: e.target.value })}
            />
          </Field>
          <Button
            type="button"
            variant="ghost"
            size="icon"
            aria-label={t("editor.actions.removeHeader", { n: i + 1 })}
            onClick={() => set({ headers: d.headers.filter((_, j) => j !== i) })}
          >
            <Trash2 aria-hidden />
          </Button>
        </div>
      ))}
      {headerError && <p className="text-sm text-destructive">{headerError}</p>}
      <div>
        <Button
          type="button"
          variant="outline"
          size="sm"
          onClick={() => set({ headers: [...d.headers, { name: "", value: "" }] })}
        >
          <Plus aria-hidden />
          {t("editor.actions.addHeader")}
        </Button>
      </div>
    </fieldset>
  );
}
