import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test/harness.ts";
import type { Database } from "../../platform/db/client.ts";
import { ftsConfigFor, ftsDocument, ftsQuery } from "./fts-text.ts";

describe("ftsConfigFor", () => {
  it("picks english / russian by language and simple for Thai, mixed-in scripts and no letters", () => {
    expect(ftsConfigFor("How much does delivery cost?")).toBe("english");
    expect(ftsConfigFor("Сколько стоит доставка?")).toBe("russian");
    expect(ftsConfigFor("Сколько стоит iPhone 15 Pro Max?")).toBe("russian");
    expect(ftsConfigFor("ค่าส่งเท่าไหร่")).toBe("simple");
    expect(ftsConfigFor("MiniChat ราคาเท่าไหร่ครับ")).toBe("simple");
    expect(ftsConfigFor("12345 !!! 42")).toBe("simple");
    expect(ftsConfigFor("")).toBe("simple");
    expect(ftsConfigFor("配送料金はいくらですか")).toBe("simple");
    // Latin text with a real share of Cyrillic: the russian configuration stems both scripts.
    expect(ftsConfigFor("Delivery terms / Условия доставки")).toBe("russian");
    expect(ftsConfigFor("Our shop in Bangkok (магазин) delivers nationwide every single day")).toBe(
      "english",
    );
  });
});

describe("ftsDocument", () => {
  it("segments Thai runs into space-separated words", () => {
    expect(ftsDocument("ราคาเท่าไหร่")).toBe("ราคา เท่า ไหร่");
    expect(ftsDocument("ค่าส่งสินค้า 50 บาท")).toBe("ค่า ส่ง สินค้า 50 บาท");
  });

  it("sets Thai apart from Latin words or digits glued to it", () => {
    expect(ftsDocument("iPhoneราคา 100บาท")).toBe("iPhone ราคา 100 บาท");
  });

  it("follows a hyphenated word with its parts run together, the way customers type it", () => {
    expect(ftsDocument("Free Wi-Fi, e-mail us")).toBe("Free Wi-Fi WiFi, e-mail email us");
    expect(ftsDocument("Санкт-Петербург и check-in")).toBe(
      "Санкт-Петербург СанктПетербург и check-in checkin",
    );
    // Not numbers, not a leading or trailing dash.
    for (const text of ["24-hour 10-20", "-d", "a-", "x - y"]) expect(ftsDocument(text)).toBe(text);
  });

  it("passes other text through unchanged", () => {
    for (const text of ["Delivery costs $5.", "Доставка стоит 300 руб.", "", '"c" -d OR e'])
      expect(ftsDocument(text)).toBe(text);
  });
});

describe("ftsQuery", () => {
  it("joins words with OR, segmenting Thai and dropping filler words", () => {
    expect(ftsQuery("shipping price Bangkok")).toBe("shipping OR price OR Bangkok");
    expect(ftsQuery("ค่าส่งสินค้าเท่าไหร่ครับ")).toBe("ค่า OR ส่ง OR สินค้า");
    expect(ftsQuery("ราคาเท่าไหร่")).toBe("ราคา");
    // Only filler words: they are kept rather than searching for nothing.
    expect(ftsQuery("เท่าไหร่")).toBe("เท่า OR ไหร่");
  });

  it("splits Thai from a Latin word glued to it, as documents are", () => {
    expect(ftsQuery("จองผ่านagodaได้ไหมคะ")).toBe("จอง OR ผ่าน OR agoda");
    expect(ftsQuery("ในห้องมีwifiไหมครับ")).toBe("ห้อง OR wifi");
  });

  it("adds the -es plural the English stemmer does not join, and back", () => {
    expect(ftsQuery("which bus goes there")).toBe("bus OR goes OR buses");
    expect(ftsQuery("two buses")).toBe("two OR buses OR bus");
    // Regular plurals stem alike already: nothing added.
    expect(ftsQuery("cups classes boxes")).toBe("cups OR classes OR boxes");
  });

  it("strips websearch syntax so input is never parsed as operators", () => {
    expect(ftsQuery('foo" OR "bar')).toBe("foo OR bar");
    expect(ftsQuery('"exact phrase" -excluded')).toBe("exact OR phrase OR excluded");
    expect(ftsQuery("-- - -foo or bar OR Or baz")).toBe("foo OR bar OR baz");
    expect(ftsQuery("a:* & !b | (c) <-> d")).toBe("a OR b OR c OR d");
    for (const q of ["", "   ", "!@#$%^&*()", '"" - OR or', "or OR"]) expect(ftsQuery(q)).toBe("");
  });

  it("keeps word-internal punctuation the PostgreSQL parser reads the same way in documents", () => {
    expect(ftsQuery("version 3.5 at example.com")).toBe("version OR 3.5 OR example.com");
  });

  it("deduplicates case-insensitively and caps the number of terms at 32", () => {
    expect(ftsQuery("Price price PRICE")).toBe("Price");
    const many = Array.from({ length: 50 }, (_, i) => `term${i}`).join(" ");
    const terms = ftsQuery(many).split(" OR ");
    expect(terms).toHaveLength(32);
    expect(terms[0]).toBe("term0");
    expect(terms.at(-1)).toBe("term31");
  });
});

// The real thing: PGlite by default, PostgreSQL when TEST_DATABASE_URL is set.
describe("full-text search in the database", () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  const docs = [
    {
      id: "en-delivery",
      text: "Deliveries within the city are free for orders over $50. Couriers arrive in 2 days.",
    },
    { id: "en-returns", text: "You can return unused items within 30 days and get a full refund." },
    { id: "en-ship", text: "We shipped our first parcel in 2019 and ship to 40 countries today." },
    { id: "ru-delivery", text: "Доставка по Москве бесплатная при заказе от 3000 рублей." },
    { id: "ru-payment", text: "Оплата принимается банковской картой или наличными курьеру." },
    { id: "th-shipping", text: "เราคิดค่าส่งตามน้ำหนักของพัสดุ ส่งฟรีเมื่อซื้อครบ 1000 บาท" },
    { id: "th-hours", text: "ร้านเปิดทุกวันตั้งแต่เก้าโมงเช้าถึงหกโมงเย็น" },
    { id: "th-returns", text: "สามารถคืนสินค้าได้ภายในเจ็ดวันหลังจากได้รับสินค้า" },
    { id: "en-wifi", text: "Free Wi-Fi for guests; the password is on your receipt." },
    { id: "en-bus", text: "Buses 12 and 31 stop outside the library." },
    { id: "th-booking", text: "จองห้องพักผ่าน Agoda หรือ Booking.com ได้" },
  ];

  /** Documents matching the query in their own configuration, best ts_rank first. */
  async function search(query: string): Promise<string[]> {
    const rows = await database.query<{ id: string }>(
      `SELECT d.id FROM (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, cfg, body)) d,
         LATERAL (SELECT to_tsvector(d.cfg::regconfig, d.body) AS v,
                         websearch_to_tsquery(d.cfg::regconfig, $4) AS q) s
       WHERE s.v @@ s.q ORDER BY ts_rank(s.v, s.q) DESC, d.id`,
      [
        docs.map((d) => d.id),
        docs.map((d) => ftsConfigFor(d.text)),
        docs.map((d) => ftsDocument(d.text)),
        ftsQuery(query),
      ],
    );
    return rows.map((r) => r.id);
  }

  it.each([
    ["How much is delivery?", "en-delivery"],
    ["Which cities get deliveries?", "en-delivery"],
    ["When will the courier come", "en-delivery"],
    ["returning items refund", "en-returns"],
    ["Which countries do you ship to?", "en-ship"],
    ["shipping to my country", "en-ship"],
    ["Сколько стоит доставки по Москве?", "ru-delivery"],
    ["бесплатной доставкой", "ru-delivery"],
    ["можно оплатить картой?", "ru-payment"],
    ["ค่าส่งเท่าไหร่", "th-shipping"],
    ["ส่งฟรีไหม", "th-shipping"],
    ["ร้านเปิดกี่โมง", "th-hours"],
    ["คืนสินค้าได้ไหมครับ", "th-returns"],
    ["is there wifi", "en-wifi"],
    ["wi-fi password", "en-wifi"],
    ["which bus stops here", "en-bus"],
    ["จองผ่านagodaได้ไหมคะ", "th-booking"],
  ])("%s → %s", async (question, expected) => {
    const found = await search(question);
    expect(found[0]).toBe(expected);
  });

  it("ranks a document matching more query terms above one matching fewer", async () => {
    const found = await search("free delivery refund");
    expect(found.slice(0, 2)).toEqual(["en-delivery", "en-returns"]);
  });

  it("known limit: the English stemmer does not join every derived form", async () => {
    // Snowball: "delivering" → 'deliv', "delivery"/"deliveries" → 'deliveri'.
    const rows = await database.query<{ q: string; v: string }>(
      "SELECT websearch_to_tsquery('english', $1)::text AS q, to_tsvector('english', $2)::text AS v",
      [ftsQuery("delivering"), "delivery deliveries"],
    );
    expect(rows[0]).toEqual({ q: "'deliv'", v: "'deliveri':1,2" });
  });

  it("never turns hostile input into negation or phrase operators", async () => {
    const hostile = [
      'foo" OR "bar',
      "-refund",
      '"full refund"',
      "!items & !refund",
      "refund <-> items",
      "or -or",
    ];
    for (const input of hostile) {
      const rows = await database.query<{ q: string }>(
        "SELECT websearch_to_tsquery('english', $1)::text AS q",
        [ftsQuery(input)],
      );
      expect(rows[0]!.q).not.toMatch(/!|<->|&/);
    }
  });

  it("one constant query over all configurations finds each language (usable with one GIN index)", async () => {
    const union = `websearch_to_tsquery('english', $2) || websearch_to_tsquery('russian', $2) || websearch_to_tsquery('simple', $2)`;
    for (const [question, expected] of [
      ["deliveries", "en-delivery"],
      ["доставки", "ru-delivery"],
      ["ค่าส่ง", "th-shipping"],
    ] as const) {
      const rows = await database.query<{ id: string }>(
        `SELECT d.id FROM unnest($1::text[], $3::text[], $4::text[]) AS d(id, cfg, body)
         WHERE to_tsvector(d.cfg::regconfig, d.body) @@ (${union})
         ORDER BY ts_rank(to_tsvector(d.cfg::regconfig, d.body), ${union}) DESC, d.id`,
        [
          docs.map((d) => d.id),
          ftsQuery(question),
          docs.map((d) => ftsConfigFor(d.text)),
          docs.map((d) => ftsDocument(d.text)),
        ],
      );
      expect(rows[0]?.id).toBe(expected);
    }
  });
});
