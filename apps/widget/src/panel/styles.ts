/** The panel's CSS, inside the shadow root: nothing leaks to or from the host page. */
import { textOn } from "../shared.ts";

export function panelCss(color: string, side: "left" | "right"): string {
  return `
.p{--c:${color};--on:${textOn(color)};--bg:#fff;--fg:#111827;--mut:#6b7280;--bub:#f3f4f6;--bd:#e5e7eb;position:fixed;bottom:88px;${side}:20px;z-index:2147483001;width:min(380px,calc(100vw - 24px));height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;background:var(--bg);color:var(--fg);border-radius:16px;box-shadow:0 10px 40px rgba(0,0,0,.25);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans Thai",sans-serif;overflow:hidden;transition:opacity .18s,transform .18s}
.p.dark{--bg:#111827;--fg:#f9fafb;--mut:#9ca3af;--bub:#1f2937;--bd:#374151}
@media (prefers-color-scheme:dark){.p.auto{--bg:#111827;--fg:#f9fafb;--mut:#9ca3af;--bub:#1f2937;--bd:#374151}}
@media (prefers-reduced-motion:reduce){.p,.p *{transition:none!important;animation:none!important}}
.p[hidden]{display:none}
.h{display:flex;align-items:center;gap:8px;padding:12px 14px;background:var(--c);color:var(--on)}
.h img{width:32px;height:32px;border-radius:50%;object-fit:cover}
.h h2{flex:1;margin:0;font-size:16px;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.h button{background:rgba(0,0,0,.22);color:#fff;border:0;border-radius:8px;padding:6px 8px;font:inherit;font-size:12px;cursor:pointer}
button:focus-visible,textarea:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid var(--c);outline-offset:2px}
.h button:focus-visible{outline-color:#fff}
.log{flex:1;overflow-y:auto;padding:14px;display:flex;flex-direction:column;gap:10px}
.m{max-width:85%;padding:9px 12px;border-radius:14px;background:var(--bub);word-wrap:break-word;overflow-wrap:anywhere}
.m.visitor{align-self:flex-end;background:var(--c);color:var(--on)}
.m.visitor a{color:var(--on)}
.m.operator{border:1px solid var(--c)}
.m p{margin:0 0 6px}.m p:last-child{margin:0}
.m ul,.m ol{margin:4px 0;padding-left:20px}
.m pre{white-space:pre-wrap;background:rgba(0,0,0,.06);padding:6px;border-radius:6px;margin:4px 0}
.m code{font-family:ui-monospace,monospace;font-size:13px}
.m a{color:inherit}
.who{display:block;font-size:11px;color:var(--mut);margin-bottom:2px}
.src{margin:6px 0 0;padding:0;list-style:none;font-size:12px}
.src li{margin:2px 0}
.fb{display:flex;gap:4px;margin-top:6px}
.fb button{background:none;border:1px solid var(--bd);border-radius:6px;padding:2px 6px;cursor:pointer;color:var(--fg);font-size:13px}
.fb button[aria-pressed=true]{background:var(--c);color:var(--on);border-color:var(--c)}
.sq{display:flex;flex-wrap:wrap;gap:6px}
.sq button,.btn{background:none;border:1px solid var(--c);color:var(--fg);border-radius:999px;padding:6px 10px;font:inherit;font-size:13px;cursor:pointer}
.btn.pri{background:var(--c);color:var(--on)}
.note{font-size:12px;color:var(--mut);text-align:center;padding:4px 10px}
.f{display:flex;gap:8px;padding:10px;border-top:1px solid var(--bd)}
.f textarea{flex:1;resize:none;border:1px solid var(--bd);border-radius:10px;padding:8px;font:inherit;background:var(--bg);color:var(--fg);max-height:120px}
.f button{background:var(--c);color:var(--on);border:0;border-radius:10px;padding:0 14px;font:inherit;cursor:pointer}
.f button:disabled{opacity:.5;cursor:default}
form.card{display:flex;flex-direction:column;gap:8px;padding:14px;border:1px solid var(--bd);border-radius:12px}
form.card label{display:flex;flex-direction:column;font-size:12px;color:var(--mut);gap:2px}
form.card input,form.card textarea{border:1px solid var(--bd);border-radius:8px;padding:7px;font:inherit;background:var(--bg);color:var(--fg)}
.stars{display:flex;gap:4px;border:0;padding:0;margin:0}
.stars button{font-size:22px;background:none;border:0;cursor:pointer;color:var(--mut)}
.stars button[aria-pressed=true]{color:#f59e0b}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.ty{margin:0;padding:0 14px;font-size:12px;color:var(--mut)}
.ty:not(:empty){padding:4px 14px}`;
}
