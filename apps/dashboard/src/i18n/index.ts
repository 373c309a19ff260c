import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en.json";
import ru from "./locales/ru.json";
import th from "./locales/th.json";

// Every string on screen goes through t(); the three resource files must hold the same keys
// (i18n.test.ts fails otherwise). A key missing at run time shows as ⟦key⟧ so the browser test
// can tell a raw key from text.

export const LANGUAGES = ["en", "th", "ru"] as const;
export type Language = (typeof LANGUAGES)[number];
export const resources = { en: { translation: en }, th: { translation: th }, ru: { translation: ru } };
const KEY = "minichat.lang";

export function isLanguage(v: unknown): v is Language {
  return typeof v === "string" && (LANGUAGES as readonly string[]).includes(v);
}

/** Saved choice, else the browser's first supported language, else English. */
export function detectLanguage(): Language {
  const saved = localStorage.getItem(KEY);
  if (isLanguage(saved)) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split("-")[0];
    if (isLanguage(base)) return base;
  }
  return "en";
}

export function initI18n(lng: Language = detectLanguage()) {
  void i18n.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    // A feature's own namespace falls back to the shared one, so t("common.save") works there too.
    fallbackNS: "translation",
    interpolation: { escapeValue: false }, // React escapes; nothing is rendered as HTML
    parseMissingKeyHandler: (key) => `⟦${key}⟧`,
    initAsync: false,
  });
  document.documentElement.lang = lng;
  i18n.on("languageChanged", (l) => {
    document.documentElement.lang = l;
  });
  return i18n;
}

export function rememberLanguage(lng: Language): void {
  localStorage.setItem(KEY, lng);
  void i18n.changeLanguage(lng);
}

/**
 * The language saved on the account applies in a browser that has not chosen one itself (no
 * saved choice): someone who picked Thai at sign-up reads Thai wherever they sign in, while a
 * choice made in this browser stays. Not remembered here, so a later change on the account
 * still follows.
 */
export function applyAccountLanguage(locale: string | null | undefined): void {
  if (localStorage.getItem(KEY) !== null || !isLanguage(locale)) return;
  if (i18n.language !== locale) void i18n.changeLanguage(locale);
}

type Bundle = { [k: string]: string | Bundle };

/**
 * A feature's strings live beside it (features/<name>/locales/{en,th,ru}.json) and load with its
 * lazy chunk: its i18n.ts calls this at module load, before any of its components render, and
 * its components call useTranslation(ns). i18n.test.ts checks every namespace like the shared one.
 */
export function registerLocales<N extends string>(ns: N, bundles: Record<Language, Bundle>): N {
  for (const lng of LANGUAGES) {
    if (!i18n.hasResourceBundle(lng, ns)) i18n.addResourceBundle(lng, ns, bundles[lng], true, false);
  }
  return ns;
}

export { i18n };
