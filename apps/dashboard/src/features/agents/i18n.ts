import { registerLocales } from "../../i18n/index.ts";
import en from "./locales/en.json";
import ru from "./locales/ru.json";
import th from "./locales/th.json";

// The agent editor's own strings; older agent keys (agents.*) stay in the shared namespace,
// which this one falls back to.
export const NS = registerLocales("agents", { en, th, ru });
