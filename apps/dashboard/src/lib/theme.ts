// Light, dark or follow the system; kept in localStorage and applied as a class on <html>.

export const THEMES = ["light", "dark", "system"] as const;
export type Theme = (typeof THEMES)[number];
const KEY = "minichat.theme";

export function getTheme(): Theme {
  const v = localStorage.getItem(KEY);
  return (THEMES as readonly string[]).includes(v ?? "") ? (v as Theme) : "system";
}

export function setTheme(theme: Theme): void {
  localStorage.setItem(KEY, theme);
  applyTheme(theme);
}

const media = () => window.matchMedia("(prefers-color-scheme: dark)");

export function applyTheme(theme: Theme = getTheme()): void {
  const dark = theme === "dark" || (theme === "system" && media().matches);
  document.documentElement.classList.toggle("dark", dark);
}

/** Follows the system setting while the theme is "system". */
export function watchSystemTheme(): void {
  media().addEventListener("change", () => {
    if (getTheme() === "system") applyTheme("system");
  });
}
