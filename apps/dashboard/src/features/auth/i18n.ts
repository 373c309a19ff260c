import { registerLocales } from "../../i18n/index.ts";
import en from "./locales/en.json";
import ru from "./locales/ru.json";
import th from "./locales/th.json";

// The sign-in screens' own strings (the older ones stay under `auth.*` in the shared namespace)
// and the texts of account errors, which the settings screens use too.
export const NS = registerLocales("account", { en, th, ru });
