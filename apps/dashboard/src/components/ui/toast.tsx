import { CheckCircle2, CircleAlert, X } from "lucide-react";
import { Toast as T } from "radix-ui";
import { useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { cn } from "../../lib/cn.ts";

// Toasts from anywhere (`toast.success(text)`, `toast.error(message)`), read out by screen
// readers through Radix's live region. A tiny store, so callers need no hook.

type Item = { id: number; kind: "success" | "error" | "info"; text: string };
let items: Item[] = [];
let next = 1;
const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};
function push(kind: Item["kind"], text: string) {
  items = [...items.slice(-3), { id: next++, kind, text }];
  emit();
}
function dismiss(id: number) {
  items = items.filter((i) => i.id !== id);
  emit();
}

export const toast = {
  success: (text: string) => push("success", text),
  error: (text: string) => push("error", text),
  info: (text: string) => push("info", text),
};

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

export function Toaster() {
  const { t } = useTranslation();
  const list = useSyncExternalStore(subscribe, () => items);
  return (
    <T.Provider swipeDirection="right" duration={5000} label={t("common.notifications")}>
      {list.map((i) => (
        <T.Root
          key={i.id}
          type={i.kind === "error" ? "foreground" : "background"}
          onOpenChange={(open) => !open && dismiss(i.id)}
          className={cn(
            "flex items-start gap-3 rounded-lg border bg-background p-4 pr-8 text-sm shadow-lg",
            i.kind === "error" && "border-destructive/50",
          )}
        >
          {i.kind === "error" ? (
            <CircleAlert className="mt-0.5 size-4 shrink-0 text-destructive" aria-hidden />
          ) : (
            <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden />
          )}
          <T.Description>{i.text}</T.Description>
          <T.Close
            className="absolute top-3 right-3 opacity-70 hover:opacity-100"
            aria-label={t("common.close")}
          >
            <X className="size-4" aria-hidden />
          </T.Close>
        </T.Root>
      ))}
      <T.Viewport className="fixed right-0 bottom-0 z-[60] flex w-full max-w-sm flex-col gap-2 p-4 outline-none" />
    </T.Provider>
  );
}
