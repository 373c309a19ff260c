import type { Config } from "../../platform/config.ts";
import { createPreferenceTokens } from "./preference-token.ts";
import type { EmailCategory, Locale } from "./templates.ts";

/** The links non-essential mail carries: the preferences page and RFC 8058 one-click unsubscribe. */
export type PreferenceLinks = {
  /** Opens the page in the email's language. */
  preferencesUrl(email: string, locale: Locale): string;
  /** For the List-Unsubscribe header: a POST to it unsubscribes, a GET shows the page. */
  unsubscribeUrl(email: string, category: EmailCategory): string;
};

export function createPreferenceLinks(config: Pick<Config, "baseUrl" | "secretKey">): PreferenceLinks {
  const tokens = createPreferenceTokens(config);
  const base = config.baseUrl;
  return {
    preferencesUrl: (email, locale) =>
      `${base}/email/preferences?${new URLSearchParams({ token: tokens.sign(email), lang: locale })}`,
    unsubscribeUrl: (email, category) =>
      `${base}/email/unsubscribe?${new URLSearchParams({ token: tokens.sign(email), category })}`,
  };
}
