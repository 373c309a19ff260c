// A small client for the five Lemon Squeezy REST calls billing makes (JSON:API over plain fetch).
//
// Why not the official @lemonsqueezy/lemonsqueezy.js: it keeps the API key in module-global
// state set by `lemonSqueezySetup` (one store per process, shared by every caller), its base URL
// is a constant (no way to point it at a local test server), and it returns `{ data, error }`
// instead of throwing, so each call would need unwrapping anyway. Five requests are a page of
// code; the shapes below follow https://docs.lemonsqueezy.com/api.

export type LemonSqueezyConfig = { apiKey: string; storeId: string; apiUrl: string };

/** A JSON:API resource as Lemon Squeezy returns it. */
export type LsResource<A> = { type: string; id: string; attributes: A };

export type LsSubscriptionStatus =
  | "on_trial"
  | "active"
  | "paused"
  | "past_due"
  | "unpaid"
  | "cancelled"
  | "expired";

/** The subset of the subscription object billing reads. */
export type LsSubscriptionAttributes = {
  store_id: number;
  customer_id: number;
  variant_id: number;
  user_email?: string;
  status: LsSubscriptionStatus;
  cancelled: boolean;
  pause: { mode: "void" | "free"; resumes_at: string | null } | null;
  trial_ends_at: string | null;
  renews_at: string | null;
  ends_at: string | null;
  created_at: string;
  updated_at: string;
  urls: { update_payment_method?: string; customer_portal?: string | null };
  test_mode?: boolean;
};
export type LsSubscription = LsResource<LsSubscriptionAttributes>;

/** The subscription-invoice object sent with subscription_payment_* webhooks. */
export type LsSubscriptionInvoiceAttributes = {
  store_id: number;
  subscription_id: number;
  customer_id: number;
  billing_reason: string;
  currency: string;
  status: "pending" | "paid" | "void" | "refunded";
  total: number;
  urls: { invoice_url: string | null };
  created_at: string;
  updated_at: string;
};

/** A request Lemon Squeezy answered with an error (or not at all): the caller maps it to a 502. */
export class LemonSqueezyApiError extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null) {
    super(message);
    this.name = "LemonSqueezyApiError";
    this.status = status;
  }
}

const TIMEOUT_MS = 15_000;
/** The store's currency rarely changes; a checkout need not ask Lemon Squeezy for it every time. */
const STORE_CURRENCY_TTL_MS = 10 * 60_000;

export type LemonSqueezyClient = ReturnType<typeof createLemonSqueezyClient>;

export function createLemonSqueezyClient(cfg: LemonSqueezyConfig) {
  async function request<T>(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${cfg.apiUrl}${path}`, {
        method,
        headers: {
          accept: "application/vnd.api+json",
          "content-type": "application/vnd.api+json",
          authorization: `Bearer ${cfg.apiKey}`,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new LemonSqueezyApiError(`Lemon Squeezy ${method} ${path}: ${(err as Error).message}`, null);
    }
    const text = await res.text();
    let json: { data?: unknown; errors?: { detail?: string; title?: string }[] } | undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const detail = json?.errors?.map((e) => e.detail ?? e.title).join("; ") || text.slice(0, 200);
      throw new LemonSqueezyApiError(`Lemon Squeezy ${method} ${path}: ${res.status} ${detail}`, res.status);
    }
    if (!json || typeof json.data !== "object" || json.data === null) {
      throw new LemonSqueezyApiError(`Lemon Squeezy ${method} ${path}: response without data`, res.status);
    }
    return json.data as T;
  }

  let currency: { code: string; at: number } | undefined;

  return {
    storeId: cfg.storeId,

    /** The store's currency (ISO code, upper case): everything it sells is priced in it. */
    async storeCurrency(): Promise<string> {
      if (!currency || Date.now() - currency.at > STORE_CURRENCY_TTL_MS) {
        const store = await request<LsResource<{ currency: string }>>("GET", `/v1/stores/${cfg.storeId}`);
        currency = { code: store.attributes.currency.toUpperCase(), at: Date.now() };
      }
      return currency.code;
    },

    /** A hosted checkout for one variant of the store; `custom` comes back in webhooks' meta.custom_data. */
    createCheckout: (input: {
      variantId: string;
      email: string;
      name: string;
      custom: Record<string, string>;
      redirectUrl: string;
    }) =>
      request<LsResource<{ url: string }>>("POST", "/v1/checkouts", {
        data: {
          type: "checkouts",
          attributes: {
            checkout_data: { email: input.email, name: input.name, custom: input.custom },
            // Only the variant of the plan the user picked: switching variants in the checkout
            // would buy a plan other than the one we validated.
            product_options: { redirect_url: input.redirectUrl, enabled_variants: [Number(input.variantId)] },
          },
          relationships: {
            store: { data: { type: "stores", id: cfg.storeId } },
            variant: { data: { type: "variants", id: input.variantId } },
          },
        },
      }),

    getSubscription: (id: string) =>
      request<LsSubscription>("GET", `/v1/subscriptions/${encodeURIComponent(id)}`),

    updateSubscription: (
      id: string,
      attributes: { variant_id: number; disable_prorations: boolean; invoice_immediately: boolean },
    ) =>
      request<LsSubscription>("PATCH", `/v1/subscriptions/${encodeURIComponent(id)}`, {
        data: { type: "subscriptions", id, attributes },
      }),

    getCustomer: (id: string) =>
      request<LsResource<{ urls: { customer_portal: string | null } }>>(
        "GET",
        `/v1/customers/${encodeURIComponent(id)}`,
      ),
  };
}
