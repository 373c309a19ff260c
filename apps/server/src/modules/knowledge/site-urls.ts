// What counts as "the same site" and "the same page" when a website source is read.

/**
 * The site a URL belongs to: its host without a leading "www.", port included. http and https
 * of one host are one site (sites redirect between them), as are example.com and www.example.com.
 */
export function siteKey(url: URL): string {
  return url.host.replace(/^www\./, "");
}

// Parameters that only say where a visitor came from: the page is the same without them.
const TRACKING = /^(utm_\w+|fbclid|gclid|yclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi)$/i;

/** One key per page, however it is linked: no fragment, no tracking parameters, either scheme. */
export function pageKey(url: URL): string {
  const params = [...url.searchParams].filter(([name]) => !TRACKING.test(name));
  const search = params.length ? `?${new URLSearchParams(params).toString()}` : "";
  return `${siteKey(url)}${url.pathname}${search}`;
}

/** The URL to fetch for a link: fragment and tracking parameters dropped. */
export function cleanUrl(url: URL): URL {
  const clean = new URL(url.href);
  clean.hash = "";
  for (const name of [...clean.searchParams.keys()]) {
    if (TRACKING.test(name)) clean.searchParams.delete(name);
  }
  return clean;
}

// Files a crawl does not open: not pages, and often large.
const NOT_A_PAGE = new Set(
  (
    "pdf doc docx xls xlsx ppt pptx odt ods odp rtf csv zip gz tgz bz2 xz 7z rar tar jar exe msi dmg " +
    "pkg deb rpm apk iso bin img jpg jpeg png gif webp avif bmp ico svg tif tiff heic psd mp3 wav ogg " +
    "flac m4a aac mp4 m4v mov avi wmv mkv webm flv css js mjs map json xml rss atom woff woff2 ttf otf eot"
  ).split(" "),
);

/** Whether a link may lead to a page (judged by its extension; the Content-Type decides later). */
export function mayBePage(url: URL): boolean {
  const last = url.pathname.slice(url.pathname.lastIndexOf("/") + 1);
  const dot = last.lastIndexOf(".");
  return dot === -1 || !NOT_A_PAGE.has(last.slice(dot + 1).toLowerCase());
}
