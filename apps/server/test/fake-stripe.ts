import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import Stripe from "stripe";

// A test double of the Stripe API on a localhost port, speaking its wire format: form-encoded
// request bodies in bracket notation (`line_items[0][price]=…`), bearer secret keys, JSON objects
// shaped as the SDK's pinned API version returns them, Stripe's error JSON on 4xx/5xx. The
// official `stripe` SDK talks to it unchanged (host/port/protocol options). It keeps what it is
// told in memory and records every request, so tests assert what MiniChat asked Stripe for.
//
// It also plays Stripe's side of the story: `completeCheckout` is the customer paying on the
// hosted page, `renew`, `settleInvoice`, `cancel` are what Stripe does later, and `event` +
// `signWebhook` make the signed deliveries Stripe would send about them.

export const FAKE_STRIPE_KEY = "sk_test_minichat_fake_0123456789";
export const FAKE_STRIPE_WEBHOOK_SECRET = "whsec_minichat_fake_0123456789abcdef";

type Obj = Record<string, unknown> & { id: string };
export type RecordedRequest = {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  headers: IncomingMessage["headers"];
};

const DAY = 86_400;
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString("hex")}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** `a[b][0][c]=v` pairs into nested objects; objects keyed 0..n become arrays. */
export function parseStripeForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.split(/\[|\]\[|\]/).filter((p) => p !== "");
    let node: Record<string, unknown> = root;
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value;
      else {
        node[part] ??= {};
        node = node[part] as Record<string, unknown>;
      }
    });
  }
  const arrays = (v: unknown): unknown => {
    if (!v || typeof v !== "object") return v;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    for (const k of keys) o[k] = arrays(o[k]);
    return keys.length > 0 && keys.every((k, i) => k === String(i)) ? keys.map((k) => o[k]) : o;
  };
  return arrays(root) as Record<string, unknown>;
}

class StripeApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | undefined;
  readonly param: string | undefined;
  constructor(status: number, type: string, message: string, code?: string, param?: string) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
  }
}

const missing = (what: string, value: string, param = "id") =>
  new StripeApiError(404, "invalid_request_error", `No such ${what}: '${value}'`, "resource_missing", param);
const required = (param: string) =>
  new StripeApiError(
    400,
    "invalid_request_error",
    `Missing required param: ${param}.`,
    "parameter_missing",
    param,
  );

function addPeriod(start: number, interval: string): number {
  const d = new Date(start * 1000);
  if (interval === "year") d.setUTCFullYear(d.getUTCFullYear() + 1);
  else d.setUTCMonth(d.getUTCMonth() + 1);
  return Math.floor(d.getTime() / 1000);
}

export type FakeStripe = Awaited<ReturnType<typeof startFakeStripe>>;

export async function startFakeStripe(opts: { secretKey?: string; webhookSecret?: string } = {}) {
  const secretKey = opts.secretKey ?? FAKE_STRIPE_KEY;
  const webhookSecret = opts.webhookSecret ?? FAKE_STRIPE_WEBHOOK_SECRET;
  const requests: RecordedRequest[] = [];
  const customers = new Map<string, Obj>();
  const products = new Map<string, Obj>();
  const prices = new Map<string, Obj>();
  const sessions = new Map<string, Obj>();
  const subscriptions = new Map<string, Obj>();
  const invoices = new Map<string, Obj>();
  let failure: { status: number; match: (method: string, path: string) => boolean } | null = null;

  function metadataOf(v: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries((v as Record<string, string> | undefined) ?? {})) {
      if (val !== "") out[k] = String(val);
    }
    return out;
  }

  function createPrice(body: Record<string, unknown>): Obj {
    const currency = String(body.currency ?? "");
    if (!currency) throw required("currency");
    const recurring = body.recurring as Record<string, string> | undefined;
    let product = body.product as string | undefined;
    if (!product) {
      const data = body.product_data as Record<string, unknown> | undefined;
      if (!data?.name) throw required("product_data[name]");
      product = id("prod");
      products.set(product, {
        id: product,
        object: "product",
        active: true,
        created: nowSeconds(),
        livemode: false,
        name: data.name,
        metadata: metadataOf(data.metadata),
        type: "service",
      });
    } else if (!products.has(product)) throw missing("product", product, "product");
    const lookupKey = (body.lookup_key as string | undefined) ?? null;
    if (lookupKey) {
      const holder = [...prices.values()].find((p) => p.lookup_key === lookupKey);
      if (holder && body.transfer_lookup_key !== "true") {
        throw new StripeApiError(
          400,
          "invalid_request_error",
          `A price (\`${holder.id}\`) already uses that lookup key.`,
          "lookup_key_already_exists",
          "lookup_key",
        );
      }
      if (holder) holder.lookup_key = null;
    }
    const amount = Number(body.unit_amount);
    const price: Obj = {
      id: id("price"),
      object: "price",
      active: true,
      billing_scheme: "per_unit",
      created: nowSeconds(),
      currency,
      custom_unit_amount: null,
      livemode: false,
      lookup_key: lookupKey,
      metadata: metadataOf(body.metadata),
      nickname: body.nickname ?? null,
      product,
      recurring: recurring
        ? {
            interval: recurring.interval,
            interval_count: Number(recurring.interval_count ?? 1),
            meter: null,
            trial_period_days: null,
            usage_type: "licensed",
          }
        : null,
      tax_behavior: "unspecified",
      tiers_mode: null,
      transform_quantity: null,
      type: recurring ? "recurring" : "one_time",
      unit_amount: amount,
      unit_amount_decimal: String(amount),
    };
    prices.set(price.id, price);
    return price;
  }

  function inlinePrice(data: Record<string, unknown>): Obj {
    const product = data.product_data as Record<string, unknown> | undefined;
    if (!data.currency) throw required("line_items[0][price_data][currency]");
    if (!product?.name) throw required("line_items[0][price_data][product_data][name]");
    const amount = Number(data.unit_amount);
    return {
      id: id("price"),
      object: "price",
      active: false,
      currency: data.currency,
      lookup_key: null,
      metadata: {},
      product: id("prod"),
      recurring: data.recurring ? { interval: (data.recurring as { interval: string }).interval } : null,
      type: data.recurring ? "recurring" : "one_time",
      unit_amount: amount,
      unit_amount_decimal: String(amount),
      _productData: { name: product.name, metadata: metadataOf(product.metadata) },
    };
  }

  function createSession(body: Record<string, unknown>): Obj {
    if ("payment_method_types" in body) {
      // The API version the SDK pins (endive) removed it from Checkout Sessions.
      throw new StripeApiError(
        400,
        "invalid_request_error",
        "Received unknown parameter: payment_method_types",
        "parameter_unknown",
        "payment_method_types",
      );
    }
    if (!body.mode) throw required("mode");
    if (!body.success_url) throw required("success_url");
    const customer = body.customer as string | undefined;
    if (customer && !customers.has(customer)) throw missing("customer", customer, "customer");
    const items =
      (body.line_items as { price?: string; price_data?: Record<string, unknown>; quantity?: string }[]) ??
      [];
    if (!items[0]?.price && !items[0]?.price_data) throw required("line_items");
    // price_data makes a one-off price for this session only (Stripe does not list it).
    const price = items[0].price_data ? inlinePrice(items[0].price_data) : prices.get(items[0].price!);
    if (!price) throw missing("price", String(items[0].price), "line_items[0][price]");
    if (body.mode === "payment" && price.type === "recurring") {
      throw new StripeApiError(
        400,
        "invalid_request_error",
        "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
        undefined,
        "line_items",
      );
    }
    if (body.mode === "subscription" && price.type !== "recurring") {
      throw new StripeApiError(
        400,
        "invalid_request_error",
        "You must provide at least one recurring price in `subscription` mode when using prices.",
        undefined,
        "line_items",
      );
    }
    // allowed_payment_method_types is narrowed to what this session can use: PromptPay takes THB
    // only, and Checkout offers it for one-off payments, not in subscription mode.
    const allowed = (body.allowed_payment_method_types as string[] | undefined) ?? ["card"];
    const usable = allowed.filter(
      (m) => m !== "promptpay" || (price.currency === "thb" && body.mode === "payment"),
    );
    if (usable.length === 0) {
      throw new StripeApiError(
        400,
        "invalid_request_error",
        "None of the payment method types in `allowed_payment_method_types` can be used with this Checkout Session.",
        undefined,
        "allowed_payment_method_types",
      );
    }
    const sessionId = `cs_test_${randomBytes(24).toString("hex")}`;
    const session: Obj = {
      id: sessionId,
      object: "checkout.session",
      allowed_payment_method_types: allowed,
      amount_subtotal: price.unit_amount,
      amount_total: price.unit_amount,
      cancel_url: body.cancel_url ?? null,
      client_reference_id: body.client_reference_id ?? null,
      created: nowSeconds(),
      currency: price.currency,
      customer: customer ?? null,
      customer_email: body.customer_email ?? null,
      expires_at: nowSeconds() + DAY,
      invoice: null,
      livemode: false,
      metadata: metadataOf(body.metadata),
      mode: body.mode,
      payment_intent: null,
      payment_method_types: usable,
      payment_status: "unpaid",
      status: "open",
      subscription: null,
      success_url: body.success_url,
      url: `https://checkout.stripe.com/c/pay/${sessionId}`,
      // Kept for completeCheckout (Stripe keeps them too; not part of the returned object).
      _lineItems: items,
      _price: price,
      _subscriptionData: body.subscription_data ?? {},
      _invoiceCreation: body.invoice_creation ?? null,
    };
    sessions.set(sessionId, session);
    return publicView(session);
  }

  function updateSubscription(subId: string, body: Record<string, unknown>): Obj {
    const sub = subscriptions.get(subId);
    if (!sub) throw missing("subscription", subId);
    const item = (sub.items as { data: Obj[] }).data[0]!;
    const changes = (body.items as { id?: string; price?: string }[] | undefined) ?? [];
    for (const change of changes) {
      if (change.id !== item.id) throw missing("subscription item", String(change.id), "items[0][id]");
      if (change.price) {
        const price = prices.get(change.price);
        if (!price) throw missing("price", change.price, "items[0][price]");
        const oldInterval = (item.price as { recurring: { interval: string } }).recurring.interval;
        const newInterval = (price.recurring as { interval: string }).interval;
        item.price = price;
        // Stripe starts a new billing period at once when the interval changes.
        if (oldInterval !== newInterval) {
          const start = nowSeconds();
          item.current_period_start = start;
          item.current_period_end = addPeriod(start, newInterval);
        }
      }
    }
    if (body.metadata)
      sub.metadata = metadataOf({ ...(sub.metadata as object), ...(body.metadata as object) });
    if (body.cancel_at_period_end !== undefined)
      sub.cancel_at_period_end = body.cancel_at_period_end === "true";
    return sub;
  }

  function route(
    method: string,
    path: string,
    query: Record<string, unknown>,
    body: Record<string, unknown>,
  ) {
    const customerPath = /^\/v1\/customers\/([^/]+)$/.exec(path);
    const subscriptionPath = /^\/v1\/subscriptions\/([^/]+)$/.exec(path);
    const invoicePath = /^\/v1\/invoices\/([^/]+)$/.exec(path);
    if (method === "GET" && invoicePath) {
      const invoice = invoices.get(invoicePath[1]!);
      if (!invoice) throw missing("invoice", invoicePath[1]!);
      return invoice;
    }
    if (method === "POST" && path === "/v1/customers") {
      const customer: Obj = {
        id: id("cus"),
        object: "customer",
        address: null,
        balance: 0,
        created: nowSeconds(),
        currency: null,
        default_source: null,
        delinquent: false,
        description: body.description ?? null,
        email: body.email ?? null,
        invoice_prefix: randomBytes(4).toString("hex").toUpperCase(),
        invoice_settings: { custom_fields: null, default_payment_method: null, footer: null },
        livemode: false,
        metadata: metadataOf(body.metadata),
        name: body.name ?? null,
        phone: null,
        preferred_locales: [],
        shipping: null,
        tax_exempt: "none",
        test_clock: null,
      };
      customers.set(customer.id, customer);
      return customer;
    }
    if (method === "GET" && customerPath) {
      const c = customers.get(customerPath[1]!);
      if (!c) throw missing("customer", customerPath[1]!);
      return c;
    }
    if (method === "GET" && path === "/v1/prices") {
      const keys = query.lookup_keys as string[] | undefined;
      const data = [...prices.values()]
        .filter((p) => !keys || keys.includes(p.lookup_key as string))
        .filter((p) => query.active === undefined || String(p.active) === query.active)
        .slice(0, Number(query.limit ?? 10));
      return { object: "list", data, has_more: false, url: "/v1/prices" };
    }
    if (method === "POST" && path === "/v1/prices") return createPrice(body);
    if (method === "POST" && path === "/v1/checkout/sessions") return createSession(body);
    if (method === "POST" && path === "/v1/billing_portal/sessions") {
      const customer = body.customer as string | undefined;
      if (!customer) throw required("customer");
      if (!customers.has(customer)) throw missing("customer", customer, "customer");
      return {
        id: id("bps"),
        object: "billing_portal.session",
        configuration: "bpc_fake_default",
        created: nowSeconds(),
        customer,
        flow: null,
        livemode: false,
        locale: null,
        on_behalf_of: null,
        return_url: body.return_url ?? null,
        url: `https://billing.stripe.com/p/session/test_${randomBytes(16).toString("hex")}`,
      };
    }
    if (subscriptionPath) {
      const subId = subscriptionPath[1]!;
      if (method === "GET") {
        const sub = subscriptions.get(subId);
        if (!sub) throw missing("subscription", subId);
        return sub;
      }
      if (method === "POST") return updateSubscription(subId, body);
    }
    throw new StripeApiError(
      404,
      "invalid_request_error",
      `Unrecognized request URL (${method}: ${path}).`,
      undefined,
    );
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake.stripe");
      const method = req.method ?? "GET";
      const raw = Buffer.concat(chunks).toString("utf8");
      const record: RecordedRequest = {
        method,
        path: url.pathname,
        query: parseStripeForm(url.search.slice(1)),
        body: parseStripeForm(raw),
        headers: req.headers,
      };
      requests.push(record);
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, {
          "content-type": "application/json",
          "request-id": id("req"),
          "stripe-version": String(req.headers["stripe-version"] ?? ""),
        });
        res.end(JSON.stringify(payload, (k, v) => (k.startsWith("_") ? undefined : v)));
      };
      const fail = (e: StripeApiError) =>
        send(e.status, {
          error: {
            type: e.type,
            message: e.message,
            ...(e.code ? { code: e.code, doc_url: `https://stripe.com/docs/error-codes/${e.code}` } : {}),
            ...(e.param ? { param: e.param } : {}),
            request_log_url: "https://dashboard.stripe.com/test/logs/req_fake",
          },
        });
      if (req.headers.authorization !== `Bearer ${secretKey}`) {
        return fail(
          new StripeApiError(
            401,
            "invalid_request_error",
            `Invalid API Key provided: ${String(req.headers.authorization ?? "").slice(7, 15)}***`,
          ),
        );
      }
      if (failure?.match(method, url.pathname)) {
        return fail(
          new StripeApiError(failure.status, "api_error", "Stripe is having trouble right now (fake)."),
        );
      }
      try {
        send(200, route(method, url.pathname, record.query, record.body));
      } catch (err) {
        if (err instanceof StripeApiError) return fail(err);
        fail(new StripeApiError(500, "api_error", (err as Error).message));
      }
    });
  });
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;

  /** What Stripe returns: the stored object without our bookkeeping fields. */
  function publicView(o: Obj): Obj {
    return JSON.parse(JSON.stringify(o, (k, v) => (k.startsWith("_") ? undefined : v)));
  }

  function subscriptionOf(subId: string): Obj {
    const sub = subscriptions.get(subId);
    if (!sub) throw new Error(`fake Stripe has no subscription ${subId}`);
    return sub;
  }
  const itemOf = (sub: Obj) => (sub.items as { data: Obj[] }).data[0]!;

  /** A paid one-off session with invoice_creation.enabled gets a paid invoice. */
  function attachInvoice(session: Obj) {
    const creation = session._invoiceCreation as { enabled?: string; invoice_data?: object } | null;
    if (creation?.enabled !== "true" || session.invoice) return;
    const price = session._price as { unit_amount: number; currency: string };
    const invoiceId = id("in");
    invoices.set(invoiceId, {
      id: invoiceId,
      object: "invoice",
      amount_due: price.unit_amount,
      amount_paid: price.unit_amount,
      amount_remaining: 0,
      billing_reason: "manual",
      created: nowSeconds(),
      currency: price.currency,
      customer: session.customer,
      hosted_invoice_url: `https://invoice.stripe.com/i/acct_fake/test_${invoiceId}`,
      invoice_pdf: `https://pay.stripe.com/invoice/acct_fake/test_${invoiceId}/pdf`,
      livemode: false,
      metadata: metadataOf((creation.invoice_data as { metadata?: object } | undefined)?.metadata),
      parent: null,
      status: "paid",
      total: price.unit_amount,
    });
    session.invoice = invoiceId;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    webhookSecret,
    requests,
    customers,
    prices,
    sessions,
    subscriptions,
    /** Requests to one endpoint, e.g. `calls("POST", "/v1/checkout/sessions")`. */
    calls(method: string, path: string | RegExp) {
      return requests.filter(
        (r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)),
      );
    },
    /** Answers matching requests with a Stripe error of this status until `heal()`. */
    failWith(status: number, match: (method: string, path: string) => boolean = () => true) {
      failure = { status, match };
    },
    heal() {
      failure = null;
    },

    /**
     * The customer paid on the hosted page: Stripe creates the subscription (active, period from
     * `start`) from the session's price and subscription_data, and completes the session.
     */
    completeCheckout(sessionId: string, o: { start?: number; status?: string } = {}) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`fake Stripe has no session ${sessionId}`);
      const price = prices.get((session._lineItems as { price: string }[])[0]!.price)!;
      const start = o.start ?? nowSeconds();
      const subId = id("sub");
      const data = session._subscriptionData as { metadata?: Record<string, string> };
      const sub: Obj = {
        id: subId,
        object: "subscription",
        billing_cycle_anchor: start,
        cancel_at: null,
        cancel_at_period_end: false,
        canceled_at: null,
        collection_method: "charge_automatically",
        created: start,
        currency: price.currency,
        customer: session.customer,
        ended_at: null,
        items: {
          object: "list",
          data: [
            {
              id: id("si"),
              object: "subscription_item",
              created: start,
              current_period_start: start,
              current_period_end: addPeriod(start, (price.recurring as { interval: string }).interval),
              metadata: {},
              price,
              quantity: 1,
              subscription: subId,
            },
          ],
          has_more: false,
          url: `/v1/subscription_items?subscription=${subId}`,
        },
        latest_invoice: id("in"),
        livemode: false,
        metadata: metadataOf(data.metadata),
        start_date: start,
        status: o.status ?? "active",
        trial_end: null,
        trial_start: null,
      };
      subscriptions.set(subId, sub);
      Object.assign(session, { status: "complete", payment_status: "paid", subscription: subId });
      return { session: publicView(session), subscription: publicView(sub) };
    },
    /**
     * The payer of a one-off (payment mode) session on the hosted page. PromptPay is
     * asynchronous: the session completes "unpaid" when the QR code is shown, and the bank's
     * answer comes later — `settlePayment` is that answer. A card pays at once ("paid").
     * With invoice_creation, a paid session gets an invoice (its receipt page).
     */
    completePayment(sessionId: string, method: "promptpay" | "card" = "promptpay") {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`fake Stripe has no session ${sessionId}`);
      if (session.mode !== "payment") throw new Error(`session ${sessionId} is not in payment mode`);
      Object.assign(session, {
        status: "complete",
        payment_intent: id("pi"),
        payment_status: method === "card" ? "paid" : "unpaid",
      });
      if (method === "card") attachInvoice(session);
      return publicView(session);
    },
    /** The bank confirmed (or declined) a pending PromptPay payment of this session. */
    settlePayment(sessionId: string, outcome: "paid" | "failed") {
      const session = sessions.get(sessionId);
      if (session?.status !== "complete") throw new Error(`session ${sessionId} is not complete`);
      session.payment_status = outcome === "paid" ? "paid" : "unpaid";
      if (outcome === "paid") attachInvoice(session);
      return publicView(session);
    },
    invoices,
    /** A copy of the subscription as Stripe would put it in an event now. */
    subscription(subId: string): Obj {
      return publicView(subscriptionOf(subId));
    },
    /** Stripe-side changes (the portal, the dashboard): fields of the subscription. */
    patchSubscription(subId: string, patch: Record<string, unknown>): Obj {
      Object.assign(subscriptionOf(subId), patch);
      return publicView(subscriptionOf(subId));
    },
    /** The period rolled over: the item's period moves on by one interval. */
    renew(subId: string): Obj {
      const item = itemOf(subscriptionOf(subId));
      const interval = (item.price as { recurring: { interval: string } }).recurring.interval;
      item.current_period_start = item.current_period_end;
      item.current_period_end = addPeriod(item.current_period_end as number, interval);
      return publicView(subscriptionOf(subId));
    },
    /** The subscription ended (canceled now, or at its period end). */
    cancel(subId: string): Obj {
      const at = nowSeconds();
      Object.assign(subscriptionOf(subId), { status: "canceled", canceled_at: at, ended_at: at });
      return publicView(subscriptionOf(subId));
    },
    /**
     * Stripe charged the subscription's price: the invoice is paid (subscription back to active)
     * or its payment failed (subscription past_due). Returns the invoice as events carry it.
     */
    settleInvoice(subId: string, outcome: "paid" | "failed", billingReason = "subscription_cycle"): Obj {
      const sub = subscriptionOf(subId);
      const item = itemOf(sub);
      const price = item.price as { unit_amount: number; currency: string };
      sub.status = outcome === "paid" ? "active" : "past_due";
      const invoiceId = id("in");
      sub.latest_invoice = invoiceId;
      return {
        id: invoiceId,
        object: "invoice",
        amount_due: price.unit_amount,
        amount_paid: outcome === "paid" ? price.unit_amount : 0,
        amount_remaining: outcome === "paid" ? 0 : price.unit_amount,
        attempt_count: 1,
        billing_reason: billingReason,
        collection_method: "charge_automatically",
        created: nowSeconds(),
        currency: price.currency,
        customer: sub.customer,
        hosted_invoice_url: `https://invoice.stripe.com/i/acct_fake/test_${invoiceId}`,
        invoice_pdf: `https://pay.stripe.com/invoice/acct_fake/test_${invoiceId}/pdf`,
        livemode: false,
        parent: {
          type: "subscription_details",
          quote_details: null,
          subscription_details: { metadata: { ...(sub.metadata as object) }, subscription: subId },
        },
        period_start: item.current_period_start,
        period_end: item.current_period_end,
        status: outcome === "paid" ? "paid" : "open",
        total: price.unit_amount,
      };
    },

    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** An event as Stripe delivers it (`created` in seconds decides the order of states). */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  o: { created?: number; previousAttributes?: Record<string, unknown> } = {},
): Record<string, unknown> & { id: string } {
  return {
    id: `evt_${randomBytes(12).toString("hex")}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: o.created ?? nowSeconds(),
    data: { object, ...(o.previousAttributes ? { previous_attributes: o.previousAttributes } : {}) },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

/**
 * The body and headers of a webhook delivery, signed exactly as Stripe signs it (the SDK's
 * own test helper: `t=<timestamp>,v1=<HMAC-SHA256 of "t.body">`).
 */
export function signWebhook(
  event: Record<string, unknown>,
  secret: string = FAKE_STRIPE_WEBHOOK_SECRET,
  timestamp: number = nowSeconds(),
): { payload: string; headers: Record<string, string> } {
  const payload = JSON.stringify(event, null, 2);
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
  return { payload, headers: { "content-type": "application/json", "stripe-signature": signature } };
}

/** Posts a signed delivery of `event` to MiniChat's Stripe webhook, as Stripe would. */
export function deliverStripeEvent(
  app: FastifyInstance,
  event: Record<string, unknown>,
  o: { secret?: string; timestamp?: number } = {},
): Promise<LightMyRequestResponse> {
  const { payload, headers } = signWebhook(event, o.secret, o.timestamp);
  return app.inject({ method: "POST", url: "/api/v1/billing/stripe/webhook", payload, headers });
}

/** The Checkout Session id in a checkout URL MiniChat returned. */
export const sessionIdFromUrl = (url: string) => /cs_test_[0-9a-f]+/.exec(url)?.[0] ?? "";

/** The environment that points MiniChat at this fake. */
export const stripeEnv = (fake: { url: string; secretKey: string; webhookSecret: string }) => ({
  STRIPE_SECRET_KEY: fake.secretKey,
  STRIPE_WEBHOOK_SECRET: fake.webhookSecret,
  STRIPE_API_URL: fake.url,
});
