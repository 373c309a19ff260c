import { ZCreateSourceRequest } from "@minichat/contracts";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Field } from "../../components/ui/field.tsx";
import { Input } from "../../components/ui/input.tsx";
import { ApiError } from "../../lib/api.ts";
import { formatNumber } from "../../lib/format.ts";
import { NS } from "./i18n.ts";
import { issuesByPath, serverIssues, useKnowledgeError } from "./knowledge-errors.ts";
import { SourceFormError } from "./source-form-error.tsx";
import { useAddSource } from "./use-add-source.ts";

const MODES = ["page", "sitemap", "crawl"] as const;
type Mode = (typeof MODES)[number];

/** A web page, the pages of a sitemap, or a bounded crawl of one site. */
export function WebsiteForm(props: { workspaceId: string; agentId: string; maxCrawlPages: number }) {
  const { t, i18n } = useTranslation(NS);
  const [url, setUrl] = useState("");
  const [mode, setMode] = useState<Mode>("page");
  const [maxPages, setMaxPages] = useState("");
  const [issues, setIssues] = useState<Record<string, string>>({});
  const errorText = useKnowledgeError();
  const add = useAddSource(props.workspaceId, props.agentId, () => {
    setUrl("");
    setMaxPages("");
  });
  // A private or unreachable address is about the URL: say so by that field.
  const urlProblem =
    add.error instanceof ApiError && add.error.code === "URL_NOT_ALLOWED" ? errorText(add.error) : undefined;
  const err = (k: string) => issues[k] ?? serverIssues(add.error, t)[k];

  function submit(e: FormEvent) {
    e.preventDefault();
    const body = {
      type: "url" as const,
      url: url.trim(),
      mode,
      ...(mode !== "page" && maxPages.trim() ? { maxPages: Number(maxPages) } : {}),
    };
    const parsed = ZCreateSourceRequest.safeParse(body);
    setIssues(parsed.success ? {} : issuesByPath(parsed.error.issues, t));
    if (parsed.success) add.mutate(body);
  }

  return (
    <form className="grid gap-4" onSubmit={submit} noValidate>
      {!urlProblem && <SourceFormError error={add.error} />}
      <Field label={t("website.url")} hint={t("website.urlHint")} error={err("url") ?? urlProblem}>
        <Input
          type="url"
          inputMode="url"
          placeholder="https://example.com/"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          required
        />
      </Field>
      <fieldset className="grid gap-2">
        <legend className="mb-1 text-sm font-medium">{t("website.mode")}</legend>
        {MODES.map((m) => (
          <label key={m} className="flex cursor-pointer items-start gap-2 rounded-md border p-3 text-sm">
            <input
              type="radio"
              name="mode"
              value={m}
              checked={mode === m}
              onChange={() => setMode(m)}
              className="mt-0.5"
            />
            <span className="grid gap-0.5">
              <span className="font-medium">{t(`website.modes.${m}`)}</span>
              <span className="text-muted-foreground">{t(`website.modes.${m}Hint`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {mode !== "page" && (
        <Field
          label={t("website.maxPages")}
          hint={t("website.maxPagesHint", { max: formatNumber(i18n.language, props.maxCrawlPages) })}
          error={err("maxPages")}
        >
          <Input
            type="number"
            min={1}
            max={props.maxCrawlPages}
            inputMode="numeric"
            value={maxPages}
            onChange={(e) => setMaxPages(e.target.value)}
            className="max-w-40"
          />
        </Field>
      )}
      <div>
        <Button type="submit" disabled={add.isPending}>
          {add.isPending ? t("common.saving") : t("website.submit")}
        </Button>
      </div>
    </form>
  );
}
