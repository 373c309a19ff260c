import { useMutation } from "@tanstack/react-query";
import { Search } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { Input } from "../../components/ui/input.tsx";
import { NS } from "./i18n.ts";
import { searchKnowledge } from "./knowledge-api.ts";
import { useKnowledgeError } from "./knowledge-errors.ts";

export function formatScore(lang: string, score: number): string {
  return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 }).format(score);
}

/** A question as a visitor would type it, and the passages the agent would get for it. */
export function KnowledgeSearch({ workspaceId, agentId }: { workspaceId: string; agentId: string }) {
  const { t, i18n } = useTranslation(NS);
  const errorText = useKnowledgeError();
  const [query, setQuery] = useState("");
  const inputId = useId();
  const search = useMutation({ mutationFn: (q: string) => searchKnowledge(workspaceId, agentId, q) });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (query.trim()) search.mutate(query.trim());
  }

  return (
    <div className="grid gap-4">
      <search>
        <form className="grid gap-1.5" onSubmit={submit}>
          <label htmlFor={inputId} className="text-sm font-medium">
            {t("search.label")}
          </label>
          <div className="flex gap-2">
            <Input
              id={inputId}
              type="search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder={t("search.placeholder")}
              maxLength={1000}
            />
            <Button type="submit" disabled={search.isPending || !query.trim()}>
              <Search aria-hidden />
              {t("common.search")}
            </Button>
          </div>
        </form>
      </search>
      <div aria-live="polite" className="grid gap-3">
        {search.isError && <p className="text-sm text-destructive">{errorText(search.error)}</p>}
        {search.data?.length === 0 && <p className="text-sm text-muted-foreground">{t("search.none")}</p>}
        {search.data && search.data.length > 0 && (
          <>
            <p className="sr-only">{t("search.found", { count: search.data.length })}</p>
            <ol className="grid gap-3">
              {search.data.map((r) => (
                <li key={r.chunkId} className="grid gap-1.5 rounded-md border p-3 text-sm" data-passage>
                  <div className="flex flex-wrap items-baseline justify-between gap-2 text-xs text-muted-foreground">
                    <span className="min-w-0 break-words">
                      <span className="font-medium text-foreground">{r.sourceName}</span>
                      {r.heading && ` › ${r.heading}`}
                      {r.location && ` · ${r.location}`}
                    </span>
                    <span>{t("search.score", { score: formatScore(i18n.language, r.score) })}</span>
                  </div>
                  <p className="whitespace-pre-wrap break-words">{r.content}</p>
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </div>
  );
}
