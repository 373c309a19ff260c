import { describe, expect, it } from "vitest";
import { backupCodesFile, groupSecret, secretFromUri } from "./totp.ts";
import { parseUserAgent } from "./user-agent.ts";

describe("parseUserAgent", () => {
  it("names the browser and system people recognise", () => {
    expect(
      parseUserAgent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      ),
    ).toEqual({ browser: "Edge", os: "Windows", mobile: false });
    expect(
      parseUserAgent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
      ),
    ).toEqual({ browser: "Safari", os: "iOS", mobile: true });
    expect(
      parseUserAgent(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
      ),
    ).toEqual({ browser: "Chrome", os: "Linux", mobile: false });
    expect(
      parseUserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:132.0) Gecko/20100101 Firefox/132.0"),
    ).toEqual({ browser: "Firefox", os: "macOS", mobile: false });
    expect(
      parseUserAgent(
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
      ),
    ).toEqual({ browser: "Chrome", os: "Android", mobile: true });
  });

  it("says nothing it cannot tell", () => {
    expect(parseUserAgent(null)).toEqual({ browser: null, os: null, mobile: false });
    expect(parseUserAgent("node")).toEqual({ browser: null, os: null, mobile: false });
    expect(parseUserAgent("curl/8.5.0")).toEqual({ browser: null, os: null, mobile: false });
  });
});

describe("TOTP setup helpers", () => {
  it("reads the secret from the URI and groups it for typing", () => {
    const uri =
      "otpauth://totp/MiniChat:nok%40example.com?secret=JBSWY3DPEHPK3PXPAB&issuer=MiniChat&digits=6";
    expect(secretFromUri(uri)).toBe("JBSWY3DPEHPK3PXPAB");
    expect(groupSecret("JBSWY3DPEHPK3PXPAB")).toBe("JBSW Y3DP EHPK 3PXP AB");
    expect(groupSecret("ABCD")).toBe("ABCD");
    expect(secretFromUri("not a uri")).toBe("");
  });

  it("writes the backup codes one a line", () => {
    expect(backupCodesFile(["a1", "b2"], "nok@example.com", "2026-01-02")).toBe(
      "MiniChat backup codes — nok@example.com\n2026-01-02\n\na1\nb2\n",
    );
  });
});
