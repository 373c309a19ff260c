import { Bell, BellOff } from "lucide-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/ui/button.tsx";
import { toast } from "../../components/ui/toast.tsx";
import { NS } from "./i18n.ts";

// Browser notifications for new visitor messages while the tab is hidden. The browser's
// permission is asked only when the operator presses the button; their choice to switch them
// off again is kept in localStorage (a granted permission cannot be revoked from a page).

const KEY = "minichat.inbox.notify";
export type NotifyState = "unsupported" | "denied" | "on" | "off";

export function notifyState(): NotifyState {
  if (typeof Notification === "undefined") return "unsupported";
  if (Notification.permission === "denied") return "denied";
  if (Notification.permission === "granted" && localStorage.getItem(KEY) === "on") return "on";
  return "off";
}

/** Shows a notification when they are on and nobody is looking at the tab. */
export function notifyIfHidden(title: string, body: string, tag: string, onClick: () => void): void {
  if (notifyState() !== "on" || document.visibilityState === "visible") return;
  try {
    const n = new Notification(title, { body, tag });
    n.onclick = () => {
      window.focus();
      onClick();
      n.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker: nothing to show then.
  }
}

export function NotificationToggle() {
  const { t } = useTranslation(NS);
  const [state, setState] = useState<NotifyState>(notifyState);
  if (state === "unsupported") return null;

  async function toggle() {
    if (state === "on") {
      localStorage.setItem(KEY, "off");
      setState("off");
      toast.success(t("notify.turnedOff"));
      return;
    }
    const permission = await Notification.requestPermission();
    if (permission === "granted") {
      localStorage.setItem(KEY, "on");
      toast.success(t("notify.turnedOn"));
    } else if (permission === "denied") {
      toast.error(t("notify.blockedHint"));
    }
    setState(notifyState());
  }

  if (state === "denied") {
    return (
      <p className="flex items-center gap-2 text-xs text-muted-foreground" title={t("notify.blockedHint")}>
        <BellOff className="size-4" aria-hidden />
        {t("notify.blocked")}
      </p>
    );
  }
  return (
    <Button
      variant="outline"
      size="sm"
      aria-pressed={state === "on"}
      title={t("notify.hint")}
      className="aria-pressed:border-primary aria-pressed:bg-accent aria-pressed:text-accent-foreground"
      onClick={() => void toggle()}
    >
      {state === "on" ? <Bell aria-hidden /> : <BellOff aria-hidden />}
      {t("notify.label")}
    </Button>
  );
}
