// Synthetic but realistic knowledge for the knowledge benchmark: help-centre style documents in
// English, Russian and Thai (headings, paragraphs of sentences, Q&A pairs), and the questions a
// customer would type. Deterministic (seeded), so two runs index the same text.
//
// Word frequencies follow real text closely enough for full-text search to behave as it would
// on real knowledge: about 40 % function words (PostgreSQL drops English and Russian ones), a
// few hundred real domain words drawn with a Zipf distribution and a per-document topic boost
// (a delivery page says "delivery" a lot), and a long tail of product and place names that
// occur in few documents. Thai is written as Thai is — no spaces between words, a space
// between phrases — so ingestion has to segment it.

export type Lang = "en" | "ru" | "th";

/** mulberry32: a small seeded PRNG, 0 ≤ n < 1. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = (s: string) => s.trim().split(/\s+/);

// biome-ignore format: word lists
const VOCAB = {
  en: {
    function: words(`the the the a a an of of of to to and and in in is is for you you we we with on are your our
      can be it this that at by from or as will all if not have has it's they their there when which more
      about up out than so any each also only into may after before then just its been per within
      must should would could do does no over under between during without`),
    content: words(`order orders delivery deliver shipping ship shipped parcel package courier tracking track
      number price prices cost costs fee fees discount coupon code promotion sale offer payment pay paid
      card cards credit debit bank transfer invoice receipt refund refunds return returns exchange warranty
      guarantee repair replacement damaged broken missing wrong item items product products stock available
      size sizes colour color model models version account accounts login password email phone address
      customer customers support service team store shop shops branch branches opening hours weekend holiday
      monday friday morning evening day days week weeks month year time minutes hour today tomorrow
      city cities bangkok moscow london phuket pattaya region country international local express standard
      free extra charge charges tax vat total amount limit minimum maximum weight kg box boxes
      subscription plan plans monthly annual upgrade cancel cancellation renew renewal trial member membership
      points reward rewards gift voucher loyalty booking reservation appointment table room rooms guest guests
      check-in checkout breakfast parking pool gym spa airport transfer taxi train station map location
      coffee tea milk oat almond cake cakes menu dish dishes vegetarian vegan allergy allergies gluten
      ingredient ingredients fresh organic bean beans roast grinder machine espresso filter cup cups bottle
      battery charger cable screen keyboard laptop phone phones tablet camera lens headphones speaker
      install installation setup update software app application website browser device devices settings
      privacy data policy terms contract agreement document documents form forms signature identity passport
      visa insurance claim claims doctor clinic treatment medicine prescription course courses lesson
      lessons class classes teacher student students exam certificate schedule group online offline
      recipe kitchen bakery delivery-zone pickup collection counter window lobby floor building entrance
      question questions answer answers help contact message chat call request requests complaint feedback
      quality safety security secure safe clean cleaning wash washing dry size-chart fit material cotton
      leather wood metal glass plastic paper recycle recycling packaging eco energy power electric water`),
  },
  ru: {
    function: words(`и и и в в в на на не не что что с с по по для для как как это это к к из у о от до
      за при же или но а то так бы все вы вас ваш ваши мы нас наш наши его их если когда который которые
      также можно нужно только уже после перед через без над под между во со об есть будет были был`),
    content: words(`заказ заказа заказы заказов доставка доставки доставку доставкой курьер курьера посылка
      посылку трек номер номера цена цены стоимость стоимости оплата оплаты оплатить карта карты картой
      банк перевод счёт чек чека возврат возврата вернуть обмен обмена гарантия гарантии ремонт замена
      товар товара товары товаров наличие размер размеры цвет модель модели версия аккаунт аккаунта
      пароль почта телефон телефона адрес адреса клиент клиента клиенты поддержка поддержки служба
      магазин магазина магазины филиал филиала часы работы выходные праздники понедельник пятница
      утро вечер день дня дней неделя недели месяц месяца год время минут час сегодня завтра город
      города москва москве петербург бангкок пхукет регион страна международная местная экспресс
      стандартная бесплатно бесплатная дополнительная плата налог ндс сумма лимит минимальная
      максимальная вес коробка подписка подписки тариф тарифы ежемесячно годовой отмена отменить
      продление пробный участник баллы бонусы подарок сертификат скидка скидки промокод акция
      бронирование бронь номер гость гости заселение выезд завтрак парковка бассейн трансфер такси
      аэропорт вокзал кофе чай молоко овсяное миндальное торт меню блюдо блюда вегетарианское аллергия
      глютен ингредиенты свежий зерно зёрна обжарка кофемашина эспрессо фильтр чашка бутылка батарея
      зарядка кабель экран клавиатура ноутбук планшет камера наушники колонка установка настройка
      обновление приложение приложения сайт браузер устройство устройства настройки
      конфиденциальность данные политика условия договор соглашение документ документы паспорт виза
      страховка страхования врач клиника лечение рецепт курс курсы урок уроки занятия преподаватель
      студент студенты экзамен расписание группа онлайн самовывоз пункт выдачи вопрос вопросы ответ
      помощь контакт сообщение звонок заявка жалоба отзыв качество безопасность чистка стирка материал
      хлопок кожа дерево металл стекло пластик упаковка переработка энергия вода`),
  },
  th: {
    function: words(`ที่ ที่ ที่ และ และ ของ ของ ใน ใน เป็น มี มี ได้ ได้ จะ จะ ไม่ ให้ ให้ การ การ ความ กับ แล้ว
      นี้ ว่า ก็ หรือ โดย จาก ถ้า เมื่อ ทุก ต้อง ควร สามารถ แต่ ยัง อยู่ ไป มา ด้วย ตาม ระหว่าง ภายใน หลังจาก ก่อน`),
    content: words(`สั่งซื้อ คำสั่งซื้อ จัดส่ง การจัดส่ง ส่งของ พัสดุ ขนส่ง ติดตาม หมายเลข ราคา ค่าใช้จ่าย ค่าธรรมเนียม
      ส่วนลด คูปอง รหัส โปรโมชั่น ชำระเงิน จ่าย บัตรเครดิต ธนาคาร โอนเงิน ใบแจ้งหนี้ ใบเสร็จ คืนเงิน คืนสินค้า
      เปลี่ยนสินค้า รับประกัน ซ่อม เสียหาย สินค้า สต็อก ขนาด สี รุ่น บัญชี รหัสผ่าน อีเมล โทรศัพท์ ที่อยู่ ลูกค้า
      บริการ ทีมงาน ร้าน ร้านค้า สาขา เวลาเปิด วันหยุด สุดสัปดาห์ วันจันทร์ วันศุกร์ ตอนเช้า ตอนเย็น วัน สัปดาห์
      เดือน ปี นาที ชั่วโมง วันนี้ พรุ่งนี้ เมือง กรุงเทพ เชียงใหม่ ภูเก็ต พัทยา ขอนแก่น ต่างประเทศ ด่วน ธรรมดา
      ฟรี เพิ่มเติม ภาษี รวม จำนวน ขั้นต่ำ สูงสุด น้ำหนัก กิโลกรัม กล่อง สมาชิก แพ็กเกจ รายเดือน รายปี ยกเลิก
      ต่ออายุ ทดลองใช้ คะแนน ของขวัญ บัตรกำนัล จอง ห้องพัก แขก เช็คอิน อาหารเช้า ที่จอดรถ สระว่ายน้ำ สนามบิน
      แท็กซี่ สถานี แผนที่ กาแฟ ชา นม นมโอ๊ต อัลมอนด์ เค้ก เมนู อาหาร มังสวิรัติ แพ้อาหาร วัตถุดิบ สด
      เมล็ดกาแฟ คั่ว เครื่องชงกาแฟ แก้ว ขวด แบตเตอรี่ สายชาร์จ หน้าจอ คีย์บอร์ด แล็ปท็อป แท็บเล็ต กล้อง หูฟัง
      ลำโพง ติดตั้ง อัปเดต แอป เว็บไซต์ อุปกรณ์ การตั้งค่า ความเป็นส่วนตัว ข้อมูล นโยบาย เงื่อนไข สัญญา เอกสาร
      หนังสือเดินทาง วีซ่า ประกัน แพทย์ คลินิก การรักษา ยา หลักสูตร บทเรียน ชั้นเรียน ครู นักเรียน สอบ
      ตารางเวลา กลุ่ม ออนไลน์ รับเอง จุดรับสินค้า คำถาม คำตอบ ช่วยเหลือ ติดต่อ ข้อความ โทร คำร้อง ร้องเรียน
      คุณภาพ ความปลอดภัย ทำความสะอาด ซักผ้า วัสดุ ผ้าฝ้าย หนัง ไม้ โลหะ กระจก พลาสติก บรรจุภัณฑ์ รีไซเคิล
      พลังงาน น้ำ ไฟฟ้า`),
  },
} satisfies Record<Lang, { function: string[]; content: string[] }>;

const SYLLABLES = {
  en: words(
    "ka lo ven tri mar sol den rix pa ber co nel vin tor sa mi do lu fen gar ha jo pel quin ro sta zu",
  ),
  ru: words("ка ло вен тре мар сол ден рис па бер ко нел вин тор са ми до лу фен гар ха жо пел ки ро ста зу"),
};

/**
 * Long-tail names (products, places, people): rare, like real proper nouns. Thai text uses Latin
 * brand and model names, so its tail is Latin too.
 */
function tail(lang: Lang, n: number, seed: number): string[] {
  const r = rng(seed);
  const syl = lang === "ru" ? SYLLABLES.ru : SYLLABLES.en;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = "";
    const parts = 2 + Math.floor(r() * 2);
    for (let j = 0; j < parts; j++) w += syl[Math.floor(r() * syl.length)]!;
    // Every third name carries a model number, as product names do ("Kestrel 240").
    out.push(i % 3 === 0 ? `${cap(w)} ${100 + Math.floor(r() * 900)}` : w);
  }
  return out;
}

const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/** Zipf(s = 1) over `size` ranks: the cumulative weights, sampled by binary search. */
function zipf(size: number): Float64Array {
  const cdf = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    sum += 1 / (i + 1);
    cdf[i] = sum;
  }
  for (let i = 0; i < size; i++) cdf[i]! /= sum;
  return cdf;
}
function draw(cdf: Float64Array, r: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

type Language = {
  fn: string[];
  content: string[];
  tail: string[];
  fnCdf: Float64Array;
  contentCdf: Float64Array;
  tailCdf: Float64Array;
};

const TAIL_SIZE = 20_000;
const languages = new Map<Lang, Language>();
function language(lang: Lang): Language {
  let l = languages.get(lang);
  if (!l) {
    const v = VOCAB[lang];
    const t = tail(lang, TAIL_SIZE, lang.charCodeAt(0) * 7919);
    // Which domain word is frequent is left to chance (seeded), not to the order of the list.
    const r = rng(lang.charCodeAt(1) * 104729);
    const content = [...v.content];
    for (let i = content.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [content[i], content[j]] = [content[j]!, content[i]!];
    }
    l = {
      fn: v.function,
      content,
      tail: t,
      fnCdf: zipf(v.function.length),
      contentCdf: zipf(content.length),
      tailCdf: zipf(t.length),
    };
    languages.set(lang, l);
  }
  return l;
}

/** A document's topic: the words it is about, said far more often than elsewhere. */
type Topic = { content: string[]; tail: string[] };

function topic(l: Language, r: () => number): Topic {
  const pick = (list: string[], n: number) =>
    Array.from({ length: n }, () => list[Math.floor(r() * list.length)]!);
  return { content: pick(l.content, 8), tail: pick(l.tail, 4) };
}

function sentence(lang: Lang, l: Language, t: Topic, r: () => number): string {
  const n = 7 + Math.floor(r() * 14);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = r();
    if (x < 0.4) out.push(l.fn[draw(l.fnCdf, r())]!);
    else if (x < 0.55) out.push(t.content[Math.floor(r() * t.content.length)]!);
    else if (x < 0.8) out.push(l.content[draw(l.contentCdf, r())]!);
    else if (x < 0.85) out.push(t.tail[Math.floor(r() * t.tail.length)]!);
    else if (x < 0.97) out.push(l.tail[draw(l.tailCdf, r())]!);
    else out.push(String(Math.floor(r() * 2000)));
  }
  if (lang === "th") {
    // Words run together; a space separates phrases (where Thai puts its pauses).
    const phrases: string[] = [];
    for (let i = 0; i < out.length; ) {
      const step = 3 + Math.floor(r() * 4);
      // Latin names keep their spaces ("Kestrel 240"), as Thai writers leave them.
      phrases.push(
        out
          .slice(i, i + step)
          .reduce((a, w) => (/[a-z0-9]$/i.test(a) && /^[a-z0-9]/i.test(w) ? `${a} ${w}` : a + w), ""),
      );
      i += step;
    }
    return phrases.join(" ");
  }
  const s = out.join(" ");
  return `${cap(s)}${r() < 0.1 ? "?" : "."}`;
}

function paragraph(lang: Lang, l: Language, t: Topic, r: () => number): string {
  const n = 2 + Math.floor(r() * 6);
  return Array.from({ length: n }, () => sentence(lang, l, t, r)).join(" ");
}

function title(t: Topic, r: () => number): string {
  const n = 2 + Math.floor(r() * 3);
  return cap(
    Array.from({ length: n }, (_, i) =>
      i === 0 && r() < 0.3 ? t.tail[0]! : t.content[Math.floor(r() * 8)]!,
    ).join(" "),
  );
}

/**
 * A help-centre article in Markdown of about `chars` characters: a title, sections and
 * sub-sections, paragraphs of 2–6 sentences; now and then a list.
 */
export function makeArticle(lang: Lang, chars: number, seed: number): string {
  const r = rng(seed);
  const l = language(lang);
  const t = topic(l, r);
  const parts: string[] = [`# ${title(t, r)}`];
  let size = 0;
  while (size < chars) {
    const h = `${r() < 0.7 ? "##" : "###"} ${title(t, r)}`;
    parts.push(h);
    size += h.length;
    const paras = 1 + Math.floor(r() * 6);
    for (let i = 0; i < paras && size < chars; i++) {
      const p =
        r() < 0.1
          ? Array.from({ length: 3 + Math.floor(r() * 4) }, () => `- ${sentence(lang, l, t, r)}`).join("\n")
          : paragraph(lang, l, t, r);
      parts.push(p);
      size += p.length;
    }
  }
  return parts.join("\n\n");
}

/** Q&A pairs, as a FAQ source holds them. */
export function makeQaPairs(lang: Lang, count: number, seed: number): { question: string; answer: string }[] {
  const r = rng(seed);
  const l = language(lang);
  const t = topic(l, r);
  return Array.from({ length: count }, () => ({
    question: sentence(lang, l, t, r).replace(/[.?]$/, "?"),
    answer: Array.from({ length: 1 + Math.floor(r() * 3) }, () => sentence(lang, l, t, r)).join(" "),
  }));
}

/** The text of one PDF page (about 3,000 characters, an A4 page of 11 pt text), headings marked "#". */
export function makePdfPage(lang: Lang, page: number, seed: number): string {
  return makeArticle(lang, 2600, seed * 1000 + page).replace(/^# /, page === 1 ? "# " : "## ");
}

// biome-ignore format: one question a line
const QUESTIONS: Record<Lang, string[]> = {
  en: [
    "How much does delivery to Phuket cost?",
    "Can I return a damaged item after two weeks?",
    "What are your opening hours on the weekend?",
    "Do you have this model in stock in size 42?",
    "How do I reset my password?",
    "Is breakfast included in the room price?",
    "Can I pay by bank transfer or credit card?",
    "Where is the nearest branch in Bangkok?",
    "How long does express shipping take?",
    "Do you offer a discount for students?",
    "How can I cancel my subscription?",
    "Is the warranty valid for international orders?",
    "Does the cake contain gluten or nuts?",
    "How do I track my parcel?",
    "Can I change the delivery address after payment?",
    "What documents do I need for a visa?",
    "Is there parking near the station?",
    "How do I install the app on a tablet?",
    "When will my refund arrive?",
    "Do you recycle the packaging?",
  ],
  ru: [
    "Сколько стоит доставка в Москву?",
    "Можно ли вернуть товар без чека?",
    "Какие часы работы магазина в выходные?",
    "Есть ли эта модель в наличии?",
    "Как восстановить пароль от аккаунта?",
    "Входит ли завтрак в стоимость номера?",
    "Можно ли оплатить картой или переводом?",
    "Где находится ближайший филиал?",
    "Сколько дней идёт экспресс доставка?",
    "Есть ли скидки для студентов?",
    "Как отменить подписку?",
    "Действует ли гарантия на международные заказы?",
    "Есть ли в торте глютен?",
    "Как отследить посылку по трек номеру?",
    "Можно ли изменить адрес доставки после оплаты?",
    "Какие документы нужны для визы?",
    "Есть ли парковка у вокзала?",
    "Как установить приложение на планшет?",
    "Когда вернут деньги за возврат?",
    "Вы принимаете упаковку на переработку?",
  ],
  th: [
    "ค่าจัดส่งไปภูเก็ตเท่าไหร่",
    "สินค้าเสียหายคืนสินค้าได้ไหม",
    "ร้านเปิดกี่โมงวันหยุดสุดสัปดาห์",
    "รุ่นนี้มีสต็อกไหม",
    "ลืมรหัสผ่านต้องทำอย่างไร",
    "ห้องพักรวมอาหารเช้าไหม",
    "ชำระเงินด้วยบัตรเครดิตได้ไหม",
    "สาขาที่ใกล้ที่สุดในกรุงเทพอยู่ที่ไหน",
    "จัดส่งด่วนใช้เวลากี่วัน",
    "มีส่วนลดสำหรับนักเรียนไหม",
    "ยกเลิกสมาชิกรายเดือนยังไง",
    "รับประกันสินค้าต่างประเทศไหม",
    "เค้กมีแพ้อาหารหรือไม่",
    "ติดตามพัสดุได้อย่างไร",
    "เปลี่ยนที่อยู่จัดส่งหลังชำระเงินได้ไหม",
    "ขอวีซ่าต้องใช้เอกสารอะไรบ้าง",
    "มีที่จอดรถใกล้สถานีไหม",
    "ติดตั้งแอปบนแท็บเล็ตอย่างไร",
    "คืนเงินกี่วัน",
    "บรรจุภัณฑ์รีไซเคิลได้ไหม",
  ],
};

/**
 * Customer questions in the three languages; every fourth also names a product from the long
 * tail ("Is the Kestrel 240 …"), as customers ask about things by name.
 */
export function makeQuestions(lang: Lang, count: number, seed: number): string[] {
  const r = rng(seed);
  const l = language(lang);
  const base = QUESTIONS[lang];
  return Array.from({ length: count }, (_, i) => {
    const q = base[i % base.length]!;
    if (i % 4 !== 3) return q;
    const name = l.tail[draw(l.tailCdf, r())]!;
    return lang === "en" ? `${q.replace(/\?$/, "")} for ${name}?` : `${name} ${q}`;
  });
}
