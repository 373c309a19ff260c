import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

// A test double of the Lemon Squeezy REST API (https://docs.lemonsqueezy.com/api): a real HTTP
// server on a random localhost port speaking JSON:API like the real one — `application/vnd.api+json`
// both ways, Bearer API keys, resources as { type, id, attributes, relationships }, errors as
// { errors: [{ status, title, detail }] }. It serves the store, checkouts, subscriptions (GET,
// PATCH) and customers billing uses, lets tests play the customer (complete a checkout, have a
// renewal fail, cancel) and signs webhook deliveries exactly as Lemon Squeezy does.

export type LsStatus = "on_trial" | "active" | "paused" | "past_due" | "unpaid" | "cancelled" | "expired";

export type FakeRequest = {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: the client's JSON:API body, for ad-hoc assertions
  body: any;
};

export type FakeCheckout = {
  id: string;
  variantId: number;
  email: string | undefined;
  name: string | undefined;
  custom: Record<string, unknown>;
  redirectUrl: string | undefined;
  url: string;
};

export type FakeSubscription = {
  id: string;
  store_id: number;
  customer_id: number;
  order_id: number;
  product_id: number;
  variant_id: number;
  product_name: string;
  variant_name: string;
  user_name: string;
  user_email: string;
  status: LsStatus;
  cancelled: boolean;
  pause: { mode: "void" | "free"; resumes_at: string | null } | null;
  trial_ends_at: string | null;
  billing_anchor: number;
  renews_at: string | null;
  ends_at: string | null;
  created_at: string;
  updated_at: string;
  test_mode: boolean;
  /** The checkout's custom data: Lemon Squeezy sends it as meta.custom_data with every event. */
  custom: Record<string, unknown>;
};

export type WebhookDelivery = { body: string; headers: Record<string, string> };

export type FakeLemonSqueezy = {
  url: string;
  apiKey: string;
  storeId: string;
  webhookSecret: string;
  /** The store's currency (ISO code); GET /v1/stores/:id answers it. */
  currency: string;
  /** Every API request, in arrival order (rejected ones too). */
  requests: FakeRequest[];
  checkouts: FakeCheckout[];
  subscriptions: Map<string, FakeSubscription>;
  /** Variants the store sells (checkouts and plan changes to others get 404). */
  addVariant(id: number, v?: { name?: string; interval?: "month" | "year" }): void;
  /** Non-null: every request is answered with this status (503: Lemon Squeezy is down). */
  failWith: number | null;
  /** The buyer pays: the checkout becomes a customer and an active subscription. */
  completeCheckout(checkoutId: string, opts?: { status?: LsStatus }): FakeSubscription;
  /** Something changed at Lemon Squeezy (dashboard, customer portal, renewal): bumps updated_at. */
  update(subscriptionId: string, change: Partial<FakeSubscription>): FakeSubscription;
  /** A signed `subscription_*` delivery carrying the subscription as it is now. */
  subscriptionWebhook(event: string, subscriptionId: string): WebhookDelivery;
  /** A signed `subscription_payment_*` delivery carrying a subscription invoice. */
  invoiceWebhook(
    event: "subscription_payment_success" | "subscription_payment_failed",
    subscriptionId: string,
    invoice?: { total?: number; billingReason?: "initial" | "renewal" | "updated" },
  ): WebhookDelivery;
  /** Signs any body like Lemon Squeezy: X-Signature = hex HMAC-SHA256 of the raw body. */
  sign(body: string, eventName: string, secret?: string): WebhookDelivery;
  close(): Promise<void>;
};

const JSONAPI = "application/vnd.api+json";

/** Lemon Squeezy's timestamps carry microseconds: "2024-01-31T12:00:00.000000Z". */
const lsTime = (d: Date) => d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

function addMonths(d: Date, n: number) {
  const out = new Date(d);
  out.setUTCMonth(out.getUTCMonth() + n);
  return out;
}

export async function startFakeLemonSqueezy(
  opts: { currency?: string; storeId?: string } = {},
): Promise<FakeLemonSqueezy> {
  const apiKey = `ls_test_${randomBytes(24).toString("hex")}`;
  const storeId = opts.storeId ?? "41234";
  const webhookSecret = `whsec-${randomBytes(12).toString("hex")}`;
  const variants = new Map<number, { name: string; interval: "month" | "year" }>();
  const customers = new Map<number, { name: string; email: string; created_at: string }>();
  const sockets = new Set<Socket>();
  let seq = 1000;
  let invoiceSeq = 5000;
  // Every change is at least a second after the previous one, like distinct real events.
  let lastChange = 0;
  const changeTime = () => {
    lastChange = Math.max(Date.now(), lastChange + 1000);
    return new Date(lastChange);
  };

  const state: FakeLemonSqueezy = {
    url: "",
    apiKey,
    storeId,
    webhookSecret,
    currency: opts.currency ?? "USD",
    requests: [],
    checkouts: [],
    subscriptions: new Map(),
    failWith: null,
    addVariant(id, v = {}) {
      variants.set(id, { name: v.name ?? `Variant ${id}`, interval: v.interval ?? "month" });
    },
    completeCheckout(checkoutId, o = {}) {
      const checkout = state.checkouts.find((c) => c.id === checkoutId);
      if (!checkout) throw new Error(`no checkout ${checkoutId}`);
      const customerId = ++seq;
      const now = changeTime();
      customers.set(customerId, {
        name: checkout.name ?? "Buyer",
        email: checkout.email ?? "buyer@example.com",
        created_at: lsTime(now),
      });
      const variant = variants.get(checkout.variantId)!;
      const sub: FakeSubscription = {
        id: String(++seq),
        store_id: Number(storeId),
        customer_id: customerId,
        order_id: ++seq,
        product_id: 900,
        variant_id: checkout.variantId,
        product_name: "MiniChat",
        variant_name: variant.name,
        user_name: checkout.name ?? "Buyer",
        user_email: checkout.email ?? "buyer@example.com",
        status: o.status ?? "active",
        cancelled: false,
        pause: null,
        trial_ends_at: null,
        billing_anchor: now.getUTCDate(),
        renews_at: lsTime(addMonths(now, variant.interval === "year" ? 12 : 1)),
        ends_at: null,
        created_at: lsTime(now),
        updated_at: lsTime(now),
        test_mode: true,
        custom: checkout.custom,
      };
      state.subscriptions.set(sub.id, sub);
      return sub;
    },
    update(id, change) {
      const sub = state.subscriptions.get(id);
      if (!sub) throw new Error(`no subscription ${id}`);
      Object.assign(sub, change, { updated_at: lsTime(changeTime()) });
      return sub;
    },
    subscriptionWebhook(event, id) {
      const sub = state.subscriptions.get(id);
      if (!sub) throw new Error(`no subscription ${id}`);
      return state.sign(
        JSON.stringify({
          meta: { test_mode: true, event_name: event, custom_data: sub.custom, webhook_id: "wh_1" },
          data: subscriptionResource(sub),
        }),
        event,
      );
    },
    invoiceWebhook(event, id, inv = {}) {
      const sub = state.subscriptions.get(id);
      if (!sub) throw new Error(`no subscription ${id}`);
      const now = lsTime(changeTime());
      const invoiceId = String(++invoiceSeq);
      const paid = event === "subscription_payment_success";
      const total = inv.total ?? 1900;
      return state.sign(
        JSON.stringify({
          meta: { test_mode: true, event_name: event, custom_data: sub.custom, webhook_id: "wh_1" },
          data: {
            type: "subscription-invoices",
            id: invoiceId,
            attributes: {
              store_id: sub.store_id,
              subscription_id: Number(sub.id),
              customer_id: sub.customer_id,
              user_name: sub.user_name,
              user_email: sub.user_email,
              billing_reason: inv.billingReason ?? "initial",
              card_brand: "visa",
              card_last_four: "4242",
              currency: state.currency,
              currency_rate: "1.00000000",
              status: paid ? "paid" : "pending",
              status_formatted: paid ? "Paid" : "Pending",
              refunded: false,
              refunded_at: null,
              subtotal: total,
              discount_total: 0,
              tax: 0,
              tax_inclusive: false,
              total,
              subtotal_usd: total,
              discount_total_usd: 0,
              tax_usd: 0,
              total_usd: total,
              subtotal_formatted: `$${(total / 100).toFixed(2)}`,
              discount_total_formatted: "$0.00",
              tax_formatted: "$0.00",
              total_formatted: `$${(total / 100).toFixed(2)}`,
              urls: {
                invoice_url: paid
                  ? `https://app.lemonsqueezy.com/my-orders/${randomUUID()}/subscription-invoice/${invoiceId}?signature=${randomBytes(16).toString("hex")}`
                  : null,
              },
              created_at: now,
              updated_at: now,
              test_mode: true,
            },
            relationships: {},
            links: { self: `${state.url}/v1/subscription-invoices/${invoiceId}` },
          },
        }),
        event,
      );
    },
    sign(body, eventName, secret = webhookSecret) {
      return {
        body,
        headers: {
          "content-type": "application/json",
          "x-event-name": eventName,
          "x-signature": createHmac("sha256", secret).update(body).digest("hex"),
        },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  function subscriptionResource(sub: FakeSubscription) {
    const { id, custom: _custom, ...attributes } = sub;
    const signature = randomBytes(16).toString("hex");
    return {
      type: "subscriptions",
      id,
      attributes: {
        ...attributes,
        status_formatted: sub.status.replace(/^./, (c) => c.toUpperCase()).replace("_", " "),
        card_brand: "visa",
        card_last_four: "4242",
        first_subscription_item: null,
        urls: {
          update_payment_method: `https://minichat-test.lemonsqueezy.com/subscription/${id}/payment-details?expires=1&signature=${signature}`,
          customer_portal: `https://minichat-test.lemonsqueezy.com/billing?expires=1&user=${sub.customer_id}&signature=${signature}`,
        },
      },
      relationships: {},
      links: { self: `${state.url}/v1/subscriptions/${id}` },
    };
  }

  function send(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { "content-type": JSONAPI });
    res.end(JSON.stringify({ jsonapi: { version: "1.0" }, ...(body as object) }));
  }
  const error = (res: ServerResponse, status: number, title: string, detail: string, pointer?: string) =>
    send(res, status, {
      errors: [{ detail, status: String(status), title, ...(pointer ? { source: { pointer } } : {}) }],
    });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const url = new URL(req.url ?? "/", "http://x");
    const method = req.method ?? "GET";
    state.requests.push({ method, path: url.pathname, headers: req.headers, body });

    if (state.failWith) return error(res, state.failWith, "Service Unavailable", "Lemon Squeezy is down");
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return error(res, 401, "Unauthenticated", "Unauthenticated.");
    }
    if (!String(req.headers.accept ?? "").includes(JSONAPI)) {
      return error(res, 406, "Not Acceptable", `The Accept header must be ${JSONAPI}`);
    }
    if ((method === "POST" || method === "PATCH") && req.headers["content-type"] !== JSONAPI) {
      return error(res, 415, "Unsupported Media Type", `The Content-Type header must be ${JSONAPI}`);
    }

    const parts = url.pathname.split("/").filter(Boolean); // ["v1", "subscriptions", "123"]
    if (parts[0] !== "v1") return error(res, 404, "Not Found", "Not found.");
    const [, kind, id] = parts;
    // biome-ignore lint/suspicious/noExplicitAny: JSON:API request bodies
    const data = (body as any)?.data;

    if (method === "GET" && kind === "stores" && id) {
      if (id !== storeId) return error(res, 404, "Not Found", "Not found.");
      return send(res, 200, {
        data: {
          type: "stores",
          id: storeId,
          attributes: {
            name: "MiniChat Test",
            slug: "minichat-test",
            domain: "minichat-test.lemonsqueezy.com",
            url: "https://minichat-test.lemonsqueezy.com",
            plan: "fresh",
            country: "TH",
            currency: state.currency,
            created_at: lsTime(new Date(0)),
            updated_at: lsTime(new Date(0)),
          },
        },
      });
    }

    if (method === "POST" && kind === "checkouts" && !id) {
      if (data?.type !== "checkouts")
        return error(res, 422, "Unprocessable Entity", "The type must be checkouts.", "/data/type");
      const store = data.relationships?.store?.data;
      const variant = data.relationships?.variant?.data;
      if (store?.type !== "stores" || store.id !== storeId) {
        return error(res, 422, "Unprocessable Entity", "The store is invalid.", "/data/relationships/store");
      }
      if (variant?.type !== "variants" || !variants.has(Number(variant.id))) {
        return error(res, 404, "Not Found", "The variant does not exist.", "/data/relationships/variant");
      }
      const a = data.attributes ?? {};
      const checkoutId = randomUUID();
      const checkout: FakeCheckout = {
        id: checkoutId,
        variantId: Number(variant.id),
        email: a.checkout_data?.email,
        name: a.checkout_data?.name,
        custom: a.checkout_data?.custom ?? {},
        redirectUrl: a.product_options?.redirect_url,
        url: `https://minichat-test.lemonsqueezy.com/checkout/custom/${checkoutId}?signature=${randomBytes(16).toString("hex")}`,
      };
      state.checkouts.push(checkout);
      const now = lsTime(new Date());
      return send(res, 201, {
        data: {
          type: "checkouts",
          id: checkoutId,
          attributes: {
            store_id: Number(storeId),
            variant_id: checkout.variantId,
            custom_price: null,
            product_options: a.product_options ?? {},
            checkout_options: a.checkout_options ?? {},
            checkout_data: a.checkout_data ?? {},
            expires_at: a.expires_at ?? null,
            created_at: now,
            updated_at: now,
            test_mode: true,
            url: checkout.url,
          },
          relationships: {},
          links: { self: `${state.url}/v1/checkouts/${checkoutId}` },
        },
      });
    }

    if (kind === "subscriptions" && id) {
      const sub = state.subscriptions.get(id);
      if (!sub) return error(res, 404, "Not Found", "Not found.");
      if (method === "GET") return send(res, 200, { data: subscriptionResource(sub) });
      if (method === "PATCH") {
        if (data?.type !== "subscriptions" || data.id !== id) {
          return error(res, 422, "Unprocessable Entity", "The id must match the URL.", "/data/id");
        }
        const a = data.attributes ?? {};
        const change: Partial<FakeSubscription> = {};
        if (a.variant_id !== undefined) {
          const v = variants.get(Number(a.variant_id));
          if (!v || typeof a.variant_id !== "number") {
            return error(
              res,
              422,
              "Unprocessable Entity",
              "The variant id is invalid.",
              "/data/attributes/variant_id",
            );
          }
          change.variant_id = a.variant_id;
          change.variant_name = v.name;
        }
        if (a.cancelled === true)
          Object.assign(change, { status: "cancelled", cancelled: true, ends_at: sub.renews_at });
        if (a.cancelled === false)
          Object.assign(change, { status: "active", cancelled: false, ends_at: null });
        return send(res, 200, { data: subscriptionResource(state.update(id, change)) });
      }
    }

    if (method === "GET" && kind === "customers" && id) {
      const c = customers.get(Number(id));
      if (!c) return error(res, 404, "Not Found", "Not found.");
      return send(res, 200, {
        data: {
          type: "customers",
          id,
          attributes: {
            store_id: Number(storeId),
            name: c.name,
            email: c.email,
            status: "subscribed",
            urls: {
              customer_portal: `https://minichat-test.lemonsqueezy.com/billing?expires=1&user=${id}&signature=${randomBytes(16).toString("hex")}`,
            },
            created_at: c.created_at,
            updated_at: c.created_at,
            test_mode: true,
          },
        },
      });
    }

    return error(res, 404, "Not Found", "Not found.");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => error(res, 500, "Server Error", String(err)));
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** The env that points the app's Lemon Squeezy provider at the fake. */
export function lemonSqueezyEnv(fake: FakeLemonSqueezy): Record<string, string> {
  return {
    LEMONSQUEEZY_API_KEY: fake.apiKey,
    LEMONSQUEEZY_STORE_ID: fake.storeId,
    LEMONSQUEEZY_WEBHOOK_SECRET: fake.webhookSecret,
    LEMONSQUEEZY_API_URL: fake.url,
  };
}
