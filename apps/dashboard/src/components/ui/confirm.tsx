import { AlertDialog as A } from "radix-ui";
import { createContext, type ReactNode, useCallback, useContext, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "./button.tsx";
import { overlayClass, panelClass } from "./dialog.tsx";

// Destructive actions ask first: `const confirm = useConfirm(); if (await confirm({...})) …`.
// One AlertDialog for the whole app; focus starts on Cancel, so Enter never deletes by accident.

export type ConfirmOptions = {
  title: string;
  body?: string;
  confirmLabel?: string;
  destructive?: boolean;
};
type Ask = (o: ConfirmOptions) => Promise<boolean>;
const ConfirmContext = createContext<Ask | null>(null);

export function ConfirmProvider({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [options, setOptions] = useState<ConfirmOptions | null>(null);
  const resolver = useRef<((v: boolean) => void) | null>(null);
  const ask = useCallback<Ask>((o) => {
    resolver.current?.(false);
    setOptions(o);
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
    });
  }, []);
  const settle = (v: boolean) => {
    resolver.current?.(v);
    resolver.current = null;
    setOptions(null);
  };
  return (
    <ConfirmContext.Provider value={ask}>
      {children}
      <A.Root open={options !== null} onOpenChange={(open) => !open && settle(false)}>
        <A.Portal>
          <A.Overlay className={overlayClass} />
          <A.Content className={panelClass} {...(options?.body ? {} : { "aria-describedby": undefined })}>
            <A.Title className="text-lg font-semibold">{options?.title}</A.Title>
            {options?.body && (
              <A.Description className="text-sm text-muted-foreground">{options.body}</A.Description>
            )}
            <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
              <A.Cancel asChild>
                <Button variant="outline">{t("common.cancel")}</Button>
              </A.Cancel>
              <A.Action asChild>
                <Button
                  variant={options?.destructive ? "destructive" : "default"}
                  onClick={() => settle(true)}
                >
                  {options?.confirmLabel ?? t("common.confirm")}
                </Button>
              </A.Action>
            </div>
          </A.Content>
        </A.Portal>
      </A.Root>
    </ConfirmContext.Provider>
  );
}

export function useConfirm(): Ask {
  const ask = useContext(ConfirmContext);
  if (!ask) throw new Error("useConfirm outside ConfirmProvider");
  return ask;
}
