import { registerLocales } from "../../i18n/index.ts";
import en from "./locales/en.json";
import ru from "./locales/ru.json";
import th from "./locales/th.json";

export const NS = registerLocales("api-keys", { en, th, ru });
