import dns from "node:dns";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AppError } from "./errors.ts";
import {
  assertOutboundUrl,
  createOutboundFetch,
  isForbiddenAddress,
  type OutboundPolicy,
  readBodyLimited,
} from "./outbound.ts";

// The SSRF guard against real servers on 127.0.0.1. Nothing here needs the internet: "public"
// addresses are only ever checked with the pure function.

const NONE: OutboundPolicy = { allowPrivate: [] };

let server: Server;
let port: number;
let hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    hits.push(url.pathname);
    if (url.pathname === "/redirect") {
      res.writeHead(Number(url.searchParams.get("status") ?? 302), {
        location: url.searchParams.get("to") ?? "/",
      });
      res.end();
    } else if (url.pathname === "/loop") {
      res.writeHead(302, { location: "/loop" }).end();
    } else if (url.pathname === "/big") {
      res.end("é".repeat(100_000)); // 200 kB of two-byte characters
    } else if (url.pathname === "/echo") {
      let body = "";
      req
        .on("data", (c) => (body += c))
        .on("end", () => {
          res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization ?? null }));
        });
    } else {
      res.end("hello");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  hits = [];
  vi.restoreAllMocks();
});

async function expectRefused(promise: Promise<unknown>, reason = "private_address") {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe("URL_NOT_ALLOWED");
  expect((err as AppError).details).toEqual({ reason });
  return err as AppError;
}

describe("isForbiddenAddress", () => {
  const forbidden = [
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "100.64.0.1",
    "100.127.255.255",
    "169.254.0.1",
    "169.254.169.254",
    "127.0.0.1",
    "127.255.255.254",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    "240.0.0.1",
    "168.63.129.16", // Azure wire server: public range, still metadata
    "::",
    "::1",
    "[::1]",
    "fc00::1",
    "fd00::1",
    "fd00:ec2::254",
    "fe80::1",
    "fe80::1%eth0",
    "fec0::1",
    "ff02::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::127.0.0.1", // deprecated IPv4-compatible form
    "64:ff9b::10.0.0.1", // NAT64 carrying a private IPv4
    "64:ff9b::7f00:1",
    "2002:7f00:1::1", // 6to4
    "2001:0:4136:e378:8000:63bf:3fff:fdd2", // teredo
    "2001:db8::1", // documentation
    "100::1", // discard
    "not-an-ip",
    "",
  ];
  const allowed = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "2606:4700::1111",
    "2a00:1450:4001::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::8.8.8.8",
  ];

  it.each(forbidden)("refuses %s by default", (ip) => {
    expect(isForbiddenAddress(ip, NONE)).toBe(true);
  });
  it.each(allowed)("allows public %s", (ip) => {
    expect(isForbiddenAddress(ip, NONE)).toBe(false);
  });

  it("lets the operator allow-list through by IP, CIDR or host name", () => {
    expect(isForbiddenAddress("127.0.0.1", { allowPrivate: ["127.0.0.1"] })).toBe(false);
    expect(isForbiddenAddress("::ffff:127.0.0.1", { allowPrivate: ["127.0.0.1"] })).toBe(false);
    expect(isForbiddenAddress("127.0.0.2", { allowPrivate: ["127.0.0.1"] })).toBe(true);
    expect(isForbiddenAddress("10.1.2.3", { allowPrivate: ["10.0.0.0/8"] })).toBe(false);
    expect(isForbiddenAddress("11.0.0.1", { allowPrivate: ["10.0.0.0/8"] })).toBe(false); // public anyway
    expect(isForbiddenAddress("192.168.0.1", { allowPrivate: ["10.0.0.0/8"] })).toBe(true);
    expect(isForbiddenAddress("::1", { allowPrivate: ["[::1]"] })).toBe(false);
    expect(isForbiddenAddress("fd12::1", { allowPrivate: ["fd00::/8"] })).toBe(false);
    expect(isForbiddenAddress("10.0.0.5", { allowPrivate: ["CRM.internal"] }, "crm.internal")).toBe(false);
    expect(isForbiddenAddress("10.0.0.5", { allowPrivate: ["crm.internal"] }, "other.internal")).toBe(true);
  });

  it("only lets a metadata address through when it is named exactly, never via a CIDR", () => {
    expect(isForbiddenAddress("169.254.169.254", { allowPrivate: ["169.254.0.0/16"] })).toBe(true);
    expect(isForbiddenAddress("169.254.1.1", { allowPrivate: ["169.254.0.0/16"] })).toBe(false);
    expect(isForbiddenAddress("169.254.169.254", { allowPrivate: ["169.254.169.254"] })).toBe(false);
    expect(isForbiddenAddress("168.63.129.16", { allowPrivate: ["0.0.0.0/0"] })).toBe(true);
  });
});

describe("assertOutboundUrl", () => {
  it.each([
    ["ftp://example.com/", "protocol"],
    ["file:///etc/passwd", "protocol"],
    ["javascript:alert(1)", "protocol"],
    ["http://user:pass@example.com/", "credentials"],
    ["http://user@example.com/", "credentials"],
    ["not a url", "invalid_url"],
  ])("refuses %s (%s)", async (url, reason) => {
    await expectRefused(assertOutboundUrl(url, NONE), reason);
  });

  it.each([
    "http://127.0.0.1/",
    "http://127.1/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://2130706433/",
    "http://0/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:7f00:1]/",
    "http://[::ffff:127.0.0.1]:8080/",
    "http://localhost/",
    "http://LOCALHOST./",
    "http://api.localhost/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "https://10.0.0.5/",
  ])("refuses the internal target %s", async (url) => {
    const err = await expectRefused(assertOutboundUrl(url, NONE));
    expect(err.message).toMatch(/private or internal address \(.+\), which is not allowed/);
  });

  it("names the address in the message", async () => {
    const err = await expectRefused(assertOutboundUrl("http://10.0.0.5/x", NONE));
    expect(err.message).toBe(
      "This URL points to a private or internal address (10.0.0.5), which is not allowed",
    );
  });

  it("checks every address a name resolves to", async () => {
    vi.spyOn(dns.promises, "lookup").mockResolvedValue([
      { address: "93.184.216.34", family: 4 },
      { address: "10.0.0.7", family: 4 },
    ] as never);
    const err = await expectRefused(assertOutboundUrl("https://rebind.example/", NONE));
    expect(err.message).toContain("10.0.0.7");
  });

  it("refuses a name that does not resolve", async () => {
    vi.spyOn(dns.promises, "lookup").mockRejectedValue(
      Object.assign(new Error("nope"), { code: "ENOTFOUND" }),
    );
    await expectRefused(assertOutboundUrl("https://nowhere.example/", NONE), "unresolvable");
  });

  it("accepts public targets and allow-listed internal ones", async () => {
    vi.spyOn(dns.promises, "lookup").mockResolvedValue([{ address: "93.184.216.34", family: 4 }] as never);
    expect((await assertOutboundUrl("https://example.com/a?b=1", NONE)).href).toBe(
      "https://example.com/a?b=1",
    );
    expect((await assertOutboundUrl("http://8.8.8.8/", NONE)).hostname).toBe("8.8.8.8");
    expect((await assertOutboundUrl("http://[2606:4700::1111]/", NONE)).hostname).toBe("[2606:4700::1111]");
    await assertOutboundUrl("http://localhost:3000/", { allowPrivate: ["localhost"] });
    await assertOutboundUrl("http://127.0.0.1:3000/", { allowPrivate: ["127.0.0.0/8"] });
    await assertOutboundUrl("http://[::1]:3000/", { allowPrivate: ["::1"] });
    await assertOutboundUrl("http://crm.internal/", { allowPrivate: ["crm.internal"] });
  });
});

describe("createOutboundFetch", () => {
  const base = () => `http://127.0.0.1:${port}`;

  it("refuses a loopback server by default, without connecting", async () => {
    await expectRefused(createOutboundFetch(NONE)(`${base()}/`));
    await expectRefused(createOutboundFetch(NONE)(`http://[::ffff:127.0.0.1]:${port}/`));
    expect(hits).toEqual([]);
  });

  it("refuses a name that resolves to loopback at connect time", async () => {
    // The precheck refuses "localhost" by name; a name it does not know is only caught by the
    // connect-time lookup, which is what stops DNS rebinding after assertOutboundUrl passed.
    const lookup = dns.lookup;
    vi.spyOn(dns, "lookup").mockImplementation(((host: string, opts: object, cb: never) =>
      lookup(host === "rebind.test" ? "127.0.0.1" : host, opts, cb)) as never);
    const err = await expectRefused(createOutboundFetch(NONE)(`http://rebind.test:${port}/`));
    expect(err.message).toContain("127.0.0.1");
    expect(hits).toEqual([]);
  });

  it.each([["127.0.0.1"], ["127.0.0.0/8"], ["::ffff:127.0.0.1"]])(
    "reaches the server when %s is allowed",
    async (entry) => {
      const res = await createOutboundFetch({ allowPrivate: [entry] })(`${base()}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("hello");
    },
  );

  it("reaches the server through an allowed host name", async () => {
    const res = await createOutboundFetch({ allowPrivate: ["localhost"] })(`http://localhost:${port}/`);
    expect(await res.text()).toBe("hello");
  });

  it("refuses the cloud metadata address before any network access", async () => {
    const started = Date.now();
    await expectRefused(createOutboundFetch(NONE)("http://169.254.169.254/latest/meta-data/"));
    await expectRefused(createOutboundFetch({ allowPrivate: ["169.254.0.0/16"] })("http://169.254.169.254/"));
    await expectRefused(createOutboundFetch(NONE)("http://[fd00:ec2::254]/"));
    const lookup = vi.spyOn(dns, "lookup");
    await expectRefused(createOutboundFetch(NONE)("http://metadata.google.internal/computeMetadata/v1/"));
    expect(lookup).not.toHaveBeenCalled();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("refuses bad schemes and credentials", async () => {
    await expectRefused(createOutboundFetch(NONE)("file:///etc/passwd"), "protocol");
    await expectRefused(createOutboundFetch(NONE)("http://u:p@8.8.8.8/"), "credentials");
  });

  describe("redirects", () => {
    // "localhost" allowed by name stands in for a public host: 127.0.0.1 itself is not allowed.
    const fetchVia = createOutboundFetch({ allowPrivate: ["localhost"] });
    const from = (to: string, status = 302) =>
      `http://localhost:${port}/redirect?status=${status}&to=${encodeURIComponent(to)}`;

    it.each([
      () => `http://127.0.0.1:${port}/secret`,
      () => `http://[::1]:${port}/secret`,
      () => `http://0x7f.0.0.1:${port}/secret`,
      () => "http://169.254.169.254/latest/meta-data/",
      () => "http://metadata.google.internal/",
    ])("refuses a redirect into a forbidden address (%#)", async (to) => {
      await expectRefused(fetchVia(from(to())));
      expect(hits).toEqual(["/redirect"]);
    });

    it("refuses a redirect to another scheme", async () => {
      await expectRefused(fetchVia(from("file:///etc/passwd")), "protocol");
    });

    it("follows allowed redirects and re-targets the request", async () => {
      const res = await fetchVia(from("/echo", 303), { method: "POST", body: "x" });
      expect(res.url).toBe(`http://localhost:${port}/echo`);
      expect(await res.json()).toEqual({ method: "GET", body: "", auth: null });
      const kept = await fetchVia(from("/echo", 307), {
        method: "POST",
        body: "x",
        headers: { authorization: "k" },
      });
      expect(await kept.json()).toEqual({ method: "POST", body: "x", auth: "k" });
    });

    it("drops credentials on a cross-origin hop", async () => {
      const both = createOutboundFetch({ allowPrivate: ["localhost", "127.0.0.1"] });
      const res = await both(from(`http://127.0.0.1:${port}/echo`, 307), { headers: { authorization: "k" } });
      expect(await res.json()).toMatchObject({ auth: null });
    });

    it("stops after maxRedirects", async () => {
      await expectRefused(fetchVia(`http://localhost:${port}/loop`), "too_many_redirects");
      expect(hits).toEqual(["/loop", "/loop", "/loop", "/loop"]);
      hits = [];
      await expectRefused(
        createOutboundFetch({ allowPrivate: ["localhost"] }, { maxRedirects: 0 })(from("/")),
        "too_many_redirects",
      );
    });

    it("hands the redirect back in manual mode", async () => {
      const res = await fetchVia(from("http://127.0.0.1/"), { redirect: "manual" });
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("http://127.0.0.1/");
    });
  });
});

describe("readBodyLimited", () => {
  it("returns a small body whole", async () => {
    expect(await readBodyLimited(new Response("héllo"), 100)).toEqual({ text: "héllo", truncated: false });
    expect(await readBodyLimited(new Response("héllo"), 6)).toEqual({ text: "héllo", truncated: false });
    expect(await readBodyLimited(new Response(null), 10)).toEqual({ text: "", truncated: false });
  });

  it("truncates without splitting a multi-byte character", async () => {
    expect(await readBodyLimited(new Response("héllo"), 5)).toEqual({ text: "héll", truncated: true });
    expect(await readBodyLimited(new Response("héllo"), 2)).toEqual({ text: "h", truncated: true });
    expect(await readBodyLimited(new Response("h€llo"), 3)).toEqual({ text: "h", truncated: true });
    expect(await readBodyLimited(new Response("h€llo"), 4)).toEqual({ text: "h€", truncated: true });
  });

  it("stops reading a large response from the network", async () => {
    const res = await createOutboundFetch({ allowPrivate: ["127.0.0.1"] })(`http://127.0.0.1:${port}/big`);
    const { text, truncated } = await readBodyLimited(res, 1001);
    expect(truncated).toBe(true);
    expect(text).toBe("é".repeat(500));
  });
});
