import { describe, expect, it } from "vitest";
import { detectLanguage, rankPassages, tokenize } from "./text-match.ts";

describe("detectLanguage", () => {
  it("picks the script with the most letters", () => {
    expect(detectLanguage("How much is shipping?")).toBe("en");
    expect(detectLanguage("ราคาเท่าไหร่")).toBe("th");
    expect(detectLanguage("Сколько стоит доставка?")).toBe("ru");
    expect(detectLanguage("Сколько стоит iPhone 15?")).toBe("ru");
    expect(detectLanguage("MiniChat ราคาเท่าไหร่ครับ")).toBe("th");
    expect(detectLanguage("12345 !!!")).toBe("en");
    expect(detectLanguage("")).toBe("en");
  });
});

describe("tokenize", () => {
  it("lower-cases, drops stop words and one-letter tokens, keeps numbers", () => {
    expect(tokenize("What is the Price of a 2 kg box?")).toEqual(["price", "2", "kg", "box"]);
  });

  it("splits Thai into words and drops particles and question words", () => {
    const tokens = tokenize("ราคาเท่าไหร่ครับ");
    expect(tokens).toEqual(["ราคา"]);
    expect(tokenize("ค่าจัดส่งกี่วัน")).toEqual(expect.arrayContaining(["ค่า", "จัด", "ส่ง", "วัน"]));
    expect(tokenize("มีแอปไหม คืออะไร")).not.toContain("ไหม");
    expect(tokenize("พาแมวมาพักด้วยได้ไหมครับ")).toEqual(["พา", "แมว", "พัก"]);
  });

  it("splits Thai from a Latin word or number glued to it", () => {
    expect(tokenize("จองผ่านagodaได้ไหมคะ")).toEqual(["จอง", "ผ่าน", "agoda"]);
    expect(tokenize("iPhone15ราคา")).toEqual(["iphone15", "ราคา"]);
  });

  it("also reads a hyphenated word run together", () => {
    expect(tokenize("Free Wi-Fi")).toEqual(["free", "wi", "fi", "wifi"]);
    expect(tokenize("e-mail")).toEqual(["mail", "email"]);
  });

  it("stems Russian inflections to a shared stem", () => {
    const stem = tokenize("доставка")[0];
    expect(stem).toBe("доставк");
    for (const form of ["доставки", "доставку", "доставкой", "доставке"])
      expect(tokenize(form)).toEqual([stem]);
    expect(tokenize("Как и что ли это")).toEqual([]);
  });

  it("stems common English suffixes on longer words only", () => {
    expect(tokenize("shipping")).toEqual(tokenize("ship"));
    expect(tokenize("prices")).toEqual(tokenize("price"));
    expect(tokenize("delivered deliveries")).toEqual(["deliver", "delivery"]);
    expect(tokenize("matches quickly boxes")).toEqual(["match", "quick", "boxes"]);
    expect(tokenize("class")).toEqual(["class"]);
  });
});

describe("rankPassages", () => {
  const passages = [
    { id: "ship", text: "We ship worldwide. Standard shipping takes 3-5 business days." },
    { id: "returns", text: "Items can be returned within 30 days for a full refund." },
    { id: "th", text: "ราคาสินค้าเริ่มต้นที่ 100 บาท จัดส่งฟรีทั่วประเทศ" },
    { id: "ru", text: "Доставка по Москве стоит 300 рублей и занимает один день." },
    { id: "faq", question: "Do you have a mobile app?", text: "Yes, on iOS and Android." },
  ];

  it("returns only matching passages, best first, with normalised scores", () => {
    const ranked = rankPassages("How long does shipping take?", passages);
    expect(ranked[0]?.passage.id).toBe("ship");
    expect(ranked.every((r) => r.score > 0 && r.score <= 1)).toBe(true);
    expect(ranked.map((r) => r.passage.id)).not.toContain("returns");
  });

  it("scores 1 when every query term matches and reports the matched terms", () => {
    const [top] = rankPassages("refund within 30 days", passages);
    expect(top?.passage.id).toBe("returns");
    expect(top?.score).toBeCloseTo(1);
    expect(top?.matched).toEqual(["refund", "within", "30", "days"]);
  });

  it("finds Thai passages without spaces in the query", () => {
    const [top] = rankPassages("ราคาเท่าไหร่", passages);
    expect(top?.passage.id).toBe("th");
    expect(top?.score).toBeGreaterThanOrEqual(0.5);
  });

  it("matches Russian inflected forms", () => {
    const [top] = rankPassages("доставки", passages);
    expect(top?.passage.id).toBe("ru");
    expect(top?.score).toBe(1);
  });

  it("matches a short English word with its plural, which neither stemming nor prefixes join", () => {
    const stops = [{ text: "Buses 12 and 31 stop outside." }, { text: "Dogs are welcome on the terrace." }];
    expect(rankPassages("which bus", stops)[0]?.score).toBe(1);
    expect(rankPassages("my dog", stops)[0]?.score).toBe(1);
    expect(rankPassages("wifi", [{ text: "Free Wi-Fi" }])[0]?.score).toBe(1);
  });

  it("weights the question of a Q&A passage", () => {
    const [top] = rankPassages("mobile app", passages);
    expect(top?.passage.id).toBe("faq");
    expect(top?.score).toBe(1);
  });

  it("gives partial scores for partial matches and nothing for stop-word-only queries", () => {
    const [top] = rankPassages("shipping to the moon", passages);
    expect(top?.score).toBeGreaterThan(0);
    expect(top?.score).toBeLessThan(0.6);
    expect(rankPassages("what is it?", passages)).toEqual([]);
    expect(rankPassages("shipping", [])).toEqual([]);
  });

  it("damps a term present in most passages so it cannot carry a match", () => {
    const brand = ["Acme ships fast.", "Acme offers refunds.", "Acme has an app.", "Acme is open daily."].map(
      (text) => ({ text }),
    );
    const [top] = rankPassages("Acme CEO", brand);
    expect(top?.score ?? 0).toBeLessThan(0.5);
  });

  it("respects the limit and is deterministic", () => {
    expect(rankPassages("days", passages, 1)).toHaveLength(1);
    expect(rankPassages("shipping days refund", passages)).toEqual(
      rankPassages("shipping days refund", passages),
    );
  });
});
