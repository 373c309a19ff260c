import { X } from "lucide-react";
import { Dialog as D } from "radix-ui";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { cn } from "../../lib/cn.ts";

// shadcn/ui's Dialog on Radix: focus is trapped and returned, Escape closes, the title names it.

export const overlayClass = "fixed inset-0 z-40 bg-black/50 data-[state=open]:animate-in";
export const panelClass =
  "fixed top-1/2 left-1/2 z-50 grid max-h-[90dvh] w-[calc(100%-2rem)] max-w-lg -translate-x-1/2 -translate-y-1/2 gap-4 overflow-y-auto rounded-lg border bg-background p-6 shadow-lg";

export function Dialog(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string | undefined;
  children: ReactNode;
  className?: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <D.Root open={props.open} onOpenChange={props.onOpenChange}>
      <D.Portal>
        <D.Overlay className={overlayClass} />
        <D.Content
          className={cn(panelClass, props.className)}
          {...(props.description ? {} : { "aria-describedby": undefined })}
        >
          <D.Title className="pr-8 text-lg font-semibold">{props.title}</D.Title>
          {props.description && (
            <D.Description className="text-sm text-muted-foreground">{props.description}</D.Description>
          )}
          {props.children}
          <D.Close
            className="absolute top-4 right-4 rounded-sm opacity-70 hover:opacity-100 focus-visible:outline-2"
            aria-label={t("common.close")}
          >
            <X className="size-4" aria-hidden />
          </D.Close>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
