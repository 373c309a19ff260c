import type { TAgent } from "@minichat/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Copy, KeyRound, RefreshCw, ShieldCheck } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Badge } from "../../components/ui/badge.tsx";
import { Button } from "../../components/ui/button.tsx";
import { useConfirm } from "../../components/ui/confirm.tsx";
import { Dialog } from "../../components/ui/dialog.tsx";
import { useErrorMessage } from "../../components/ui/states.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { embedSnippet } from "./agent-draft.ts";
import { agentQuery, createIdentitySecret, updateAgent } from "./agents-api.ts";
import { Section } from "./editor-ui.tsx";
import { NS } from "./i18n.ts";

/** Copies text; says so in a toast (and the error in one when the browser refuses). */
export function useCopy() {
  const { t } = useTranslation(NS);
  return async (text: string, done: string) => {
    try {
      await navigator.clipboard.writeText(text);
      toast.success(done);
    } catch {
      toast.error(t("editor.embed.copyFailed"));
    }
  };
}

function CodeBlock({ code }: { code: string }) {
  return (
    <pre className="overflow-x-auto rounded-md border bg-muted p-3 font-mono text-xs leading-relaxed break-all whitespace-pre-wrap">
      <code>{code}</code>
    </pre>
  );
}

export function EmbedSection({
  workspaceId,
  agent,
  dirty,
  readOnly = false,
}: {
  workspaceId: string;
  agent: TAgent;
  dirty: boolean;
  /** Roles that cannot change the agent still copy the code, but neither rotate nor set secrets. */
  readOnly?: boolean;
}) {
  const { t } = useTranslation(NS);
  const confirm = useConfirm();
  const copy = useCopy();
  const errorText = useErrorMessage();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const snippet = embedSnippet(window.location.origin, agent.publicKey);
  const saved = (a: TAgent) => queryClient.setQueryData(agentQuery(workspaceId, agent.id).queryKey, a);

  const rotate = useMutation({
    mutationFn: () => updateAgent(workspaceId, agent.id, { rotatePublicKey: true }),
    onSuccess: (a) => {
      saved(a);
      toast.success(t("editor.embed.rotated"));
    },
    onError: (e) => toast.error(errorText(e)),
  });
  const identity = useMutation({
    mutationFn: () => createIdentitySecret(workspaceId, agent.id),
    onSuccess: (r) => {
      saved({ ...agent, identitySecretSet: true });
      setSecret(r.secret);
    },
    onError: (e) => toast.error(errorText(e)),
  });

  async function askRotate() {
    const ok = await confirm({
      title: t("editor.embed.rotateTitle"),
      body: t("editor.embed.rotateBody"),
      confirmLabel: t("editor.embed.rotateConfirm"),
      destructive: true,
    });
    if (ok) rotate.mutate();
  }
  async function askSecret() {
    if (agent.identitySecretSet) {
      const ok = await confirm({
        title: t("editor.identity.replaceTitle"),
        body: t("editor.identity.replaceBody"),
        confirmLabel: t("editor.identity.replaceConfirm"),
        destructive: true,
      });
      if (!ok) return;
    }
    identity.mutate();
  }

  return (
    <>
      <Section
        title={t("editor.embed.title")}
        description={t("editor.embed.description")}
        actions={
          <Button type="button" onClick={() => void copy(snippet, t("editor.embed.copied"))}>
            <Copy aria-hidden />
            {t("editor.embed.copy")}
          </Button>
        }
      >
        <CodeBlock code={snippet} />
        {(agent.status !== "live" || dirty) && (
          <p
            role="note"
            className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
          >
            {agent.status !== "live" ? t("editor.embed.draftNote") : t("editor.embed.unsavedNote")}
          </p>
        )}
        <div className="flex flex-wrap items-center justify-between gap-3 border-t pt-4">
          <div className="grid gap-1 text-sm">
            <span className="font-medium">{t("editor.embed.keyTitle")}</span>
            <code className="font-mono text-xs break-all text-muted-foreground">{agent.publicKey}</code>
          </div>
          {!readOnly && (
            <Button
              type="button"
              variant="outline"
              disabled={rotate.isPending}
              onClick={() => void askRotate()}
            >
              <RefreshCw aria-hidden />
              {t("editor.embed.rotate")}
            </Button>
          )}
        </div>
      </Section>

      <Section
        title={t("editor.identity.title")}
        description={t("editor.identity.description")}
        actions={
          agent.identitySecretSet ? (
            <Badge tone="success">
              <ShieldCheck className="size-3" aria-hidden />
              {t("editor.identity.on")}
            </Badge>
          ) : (
            <Badge>{t("editor.identity.off")}</Badge>
          )
        }
      >
        {!readOnly && (
          <div>
            <Button
              type="button"
              variant="outline"
              disabled={identity.isPending}
              onClick={() => void askSecret()}
            >
              <KeyRound aria-hidden />
              {agent.identitySecretSet ? t("editor.identity.replace") : t("editor.identity.create")}
            </Button>
          </div>
        )}
      </Section>

      <Dialog
        open={secret !== null}
        onOpenChange={(open) => !open && setSecret(null)}
        title={t("editor.identity.secretTitle")}
        description={t("editor.identity.secretBody")}
      >
        {secret && (
          <div className="grid gap-4">
            <CodeBlock code={secret} />
            <div>
              <Button
                type="button"
                variant="outline"
                onClick={() => void copy(secret, t("editor.identity.copied"))}
              >
                <Copy aria-hidden />
                {t("editor.identity.copySecret")}
              </Button>
            </div>
            <p className="text-sm">{t("editor.identity.howTo")}</p>
            <CodeBlock
              code={`const userHash = crypto.createHmac("sha256", SECRET).update(userId).digest("hex");\n\n<script src="${window.location.origin}/widget.js" data-agent="${agent.publicKey}"\n  data-user-id="42" data-user-hash="…" async></script>`}
            />
            <div className="flex justify-end">
              <Button type="button" onClick={() => setSecret(null)}>
                {t("editor.identity.done")}
              </Button>
            </div>
          </div>
        )}
      </Dialog>
    </>
  );
}
