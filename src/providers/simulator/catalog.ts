/**
 * The simulator's static catalog: services, countries, phone number formats, activation costs,
 * initial stock and rental offers. It looks like a real provider's, including things the shop must
 * never sell (POLICY P2: Qiwi, WebMoney, banks; P3: Iran, Cuba, Syria), so that the shop's deny-list
 * is exercised end to end. Nothing here depends on the seed: the catalog is the same on every run.
 *
 * Service codes follow the sms-activate style where one is well known (tg, wa, go, ...); the rest
 * are plausible two-letter codes. Costs are in provider units (RUB-like), as integer micros.
 */

export interface SimulatorService {
  code: string;
  name: string;
  /** Digits in the codes this service sends. */
  codeLength: 5 | 6;
  /** Base cost in whole provider units before the country factor. */
  baseUnits: number;
  /** Sold only in these countries (regional services); every country when absent. */
  countries?: readonly string[];
  /** SMS texts with `{code}` (and `{code3}-{code3b}` for split codes); generic texts when absent. */
  templates?: readonly string[];
}

export interface SimulatorCountry {
  /** ISO alpha-2, lower case: the simulator's country code. */
  code: string;
  /** ISO alpha-2, upper case. */
  iso2: string;
  name: string;
  /** International calling code, digits only. */
  callingCode: string;
  /**
   * National mobile number patterns after the calling code: `X` is any digit, `N` is 2-9, other
   * characters are literal. Each pattern has the full national length.
   */
  mobilePatterns: readonly string[];
  /** Cost factor in percent: numbers from rich countries cost more. */
  costFactorPct: number;
}

export interface SimulatorOffer {
  service: string;
  country: string;
  costMicros: number;
  stock: number;
}

/** Expands "212 305" with "NXXXXXX" into ["212NXXXXXX", "305NXXXXXX"]. */
function withPrefixes(prefixes: string, rest: string): string[] {
  return prefixes
    .split(" ")
    .filter((prefix) => prefix !== "")
    .map((prefix) => prefix + rest);
}

const RU_CIS = ["ru", "kz", "uz"] as const;
const SOUTH_EAST_ASIA = ["id", "ph", "vn", "th", "my"] as const;

export const SIMULATOR_SERVICES: readonly SimulatorService[] = [
  {
    code: "tg",
    name: "Telegram",
    codeLength: 5,
    baseUnits: 60,
    templates: [
      "Telegram code: {code}\n\nDo not give this code to anyone, even if they say they are from Telegram!",
      "Telegram code {code}. Do not give it to anyone.",
    ],
  },
  {
    code: "wa",
    name: "WhatsApp",
    codeLength: 6,
    baseUnits: 55,
    templates: ["Your WhatsApp code: {code3}-{code3b}\n\nDon't share this code with others", "<#> Your WhatsApp code: {code3}-{code3b}"],
  },
  {
    code: "go",
    name: "Google, Gmail, YouTube",
    codeLength: 6,
    baseUnits: 25,
    templates: ["G-{code} is your Google verification code.", "G-{code} is your Google verification code. Don't share it."],
  },
  { code: "fb", name: "Facebook", codeLength: 6, baseUnits: 15, templates: ["{code} is your Facebook confirmation code"] },
  {
    code: "ig",
    name: "Instagram",
    codeLength: 6,
    baseUnits: 12,
    templates: ["{code} is your Instagram code. Don't share it.", "Use {code} to verify your Instagram account."],
  },
  {
    code: "vk",
    name: "VKontakte",
    codeLength: 6,
    baseUnits: 20,
    countries: RU_CIS,
    templates: ["VK: {code} is your confirmation code. Do not tell it to anyone."],
  },
  { code: "ds", name: "Discord", codeLength: 6, baseUnits: 10, templates: ["Your Discord security code is: {code}"] },
  { code: "dr", name: "OpenAI (ChatGPT)", codeLength: 6, baseUnits: 25, templates: ["Your OpenAI verification code is: {code}"] },
  {
    code: "lf",
    name: "TikTok",
    codeLength: 6,
    baseUnits: 10,
    templates: ["[TikTok] {code} is your verification code, valid for 5 minutes. Never forward this code."],
  },
  { code: "tw", name: "Twitter (X)", codeLength: 6, baseUnits: 8, templates: ["{code} is your X verification code."] },
  { code: "mm", name: "Microsoft", codeLength: 6, baseUnits: 8, templates: ["Use {code} as Microsoft account security code"] },
  { code: "am", name: "Amazon", codeLength: 6, baseUnits: 12, templates: ["{code} is your Amazon OTP. Do not share it with anyone."] },
  { code: "ub", name: "Uber", codeLength: 5, baseUnits: 10, templates: ["Your Uber code: {code}. Never share this code."] },
  { code: "oi", name: "Tinder", codeLength: 6, baseUnits: 25, templates: ["Your Tinder code is {code}. Don't share."] },
  { code: "vi", name: "Viber", codeLength: 6, baseUnits: 10, templates: ["Your Viber code: {code}"] },
  { code: "wb", name: "WeChat", codeLength: 6, baseUnits: 40, templates: ["[WeChat] Your verification code is {code}. Do not share it."] },
  { code: "mt", name: "Steam", codeLength: 5, baseUnits: 15, templates: ["Steam: your code is {code}"] },
  { code: "ya", name: "Yandex", codeLength: 6, baseUnits: 8, countries: RU_CIS, templates: ["Yandex ID code: {code}"] },
  { code: "av", name: "Avito", codeLength: 6, baseUnits: 15, countries: ["ru"], templates: ["{code} is your Avito code. Do not tell it to anyone."] },
  { code: "sg", name: "Ozon", codeLength: 6, baseUnits: 10, countries: RU_CIS, templates: ["Ozon sign-in code: {code}"] },
  { code: "uu", name: "Wildberries", codeLength: 6, baseUnits: 10, countries: RU_CIS, templates: ["Wildberries code: {code}. Do not share it."] },
  { code: "uf", name: "Airbnb", codeLength: 6, baseUnits: 15, templates: ["Your Airbnb verification code is: {code}"] },
  { code: "nf", name: "Netflix", codeLength: 6, baseUnits: 12, templates: ["Netflix: your verification code is {code}"] },
  { code: "wx", name: "Apple", codeLength: 6, baseUnits: 30, templates: ["Your Apple Account code is: {code}. Do not share it with anyone."] },
  { code: "fu", name: "Snapchat", codeLength: 6, baseUnits: 10, templates: ["Snapchat code: {code}. Happy Snapping!"] },
  { code: "tn", name: "LinkedIn", codeLength: 6, baseUnits: 12, templates: ["Your LinkedIn verification code is {code}."] },
  { code: "ts", name: "PayPal", codeLength: 6, baseUnits: 20, templates: ["PayPal: Your security code is {code}. Don't share your code."] },
  { code: "me", name: "Line", codeLength: 6, baseUnits: 15 },
  { code: "kt", name: "KakaoTalk", codeLength: 6, baseUnits: 20, templates: ["[KakaoTalk] Verification code: {code}"] },
  { code: "bw", name: "Signal", codeLength: 6, baseUnits: 15, templates: ["Your Signal code: {code3}-{code3b}. Do not share it."] },
  { code: "mo", name: "Bumble", codeLength: 6, baseUnits: 20 },
  { code: "ka", name: "Shopee", codeLength: 6, baseUnits: 8, countries: [...SOUTH_EAST_ASIA, "br"] },
  { code: "jg", name: "Grab", codeLength: 6, baseUnits: 10, countries: SOUTH_EAST_ASIA, templates: ["<#> {code} is your Grab code."] },
  { code: "ma", name: "Mail.ru", codeLength: 6, baseUnits: 6, countries: RU_CIS },
  { code: "ok", name: "Odnoklassniki", codeLength: 6, baseUnits: 6, countries: RU_CIS },
  { code: "mb", name: "Yahoo", codeLength: 6, baseUnits: 8 },
  { code: "nv", name: "Naver", codeLength: 6, baseUnits: 20 },
  { code: "mj", name: "Zalo", codeLength: 6, baseUnits: 10, countries: ["vn"] },
  { code: "ni", name: "Gojek", codeLength: 6, baseUnits: 10, countries: ["id"] },
  { code: "dl", name: "Lazada", codeLength: 6, baseUnits: 8, countries: SOUTH_EAST_ASIA },
  { code: "tx", name: "Bolt", codeLength: 6, baseUnits: 8 },
  { code: "hx", name: "AliExpress", codeLength: 6, baseUnits: 8 },
  { code: "ab", name: "Alibaba", codeLength: 6, baseUnits: 8 },
  { code: "sn", name: "OLX", codeLength: 6, baseUnits: 8, countries: ["ua", "pl", "kz", "uz", "br", "in"] },
  {
    code: "ot",
    name: "Any other",
    codeLength: 6,
    baseUnits: 15,
    templates: ["Your verification code is {code}", "{code} is your one-time password. Do not share it."],
  },
  // POLICY P2: listed like real providers list them, so that the shop's filter has work to do.
  { code: "qw", name: "Qiwi", codeLength: 6, baseUnits: 20, countries: ["ru", "kz"], templates: ["QIWI: code {code}"] },
  { code: "wm", name: "WebMoney", codeLength: 6, baseUnits: 15, countries: ["ru", "kz", "ua"] },
  { code: "sb", name: "Sberbank", codeLength: 5, baseUnits: 40, countries: ["ru", "kz"], templates: ["Sberbank Online sign-in code: {code}. Do not tell it to anyone."] },
  { code: "tb", name: "Tinkoff Bank", codeLength: 6, baseUnits: 40, countries: ["ru"] },
];

export const SIMULATOR_COUNTRIES: readonly SimulatorCountry[] = [
  {
    code: "ru",
    iso2: "RU",
    name: "Russia",
    callingCode: "7",
    mobilePatterns: withPrefixes("900 901 902 903 904 905 906 908 909 910 911 912 913 914 915 916 917 918 919 920 921 922 925 926 927 929 930 950 951 952 960 961 962 963 965 967 968 977 978 980 981 982 983 985 987 988 989 991 993 995 996 999", "XXXXXXX"),
    costFactorPct: 100,
  },
  {
    code: "ua",
    iso2: "UA",
    name: "Ukraine",
    callingCode: "380",
    mobilePatterns: withPrefixes("50 63 66 67 68 73 93 95 96 97 98 99", "XXXXXXX"),
    costFactorPct: 50,
  },
  {
    code: "kz",
    iso2: "KZ",
    name: "Kazakhstan",
    callingCode: "7",
    mobilePatterns: withPrefixes("700 701 702 705 707 708 747 771 775 776 777 778", "XXXXXXX"),
    costFactorPct: 60,
  },
  {
    code: "id",
    iso2: "ID",
    name: "Indonesia",
    callingCode: "62",
    mobilePatterns: withPrefixes("811 812 813 821 822 823 831 832 838 852 853 856 857 858 877 878 881 882 895 896 897 898 899", "XXXXXXXX"),
    costFactorPct: 40,
  },
  {
    code: "ph",
    iso2: "PH",
    name: "Philippines",
    callingCode: "63",
    mobilePatterns: withPrefixes("905 906 907 908 909 910 912 915 916 917 918 919 920 921 926 927 928 929 930 935 936 938 939 945 946 947 948 949 950 951 955 956 961 965 966 975 977 995 997 998 999", "XXXXXXX"),
    costFactorPct: 45,
  },
  {
    code: "in",
    iso2: "IN",
    name: "India",
    callingCode: "91",
    mobilePatterns: withPrefixes("62 63 70 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 93 94 95 96 97 98 99", "XXXXXXXX"),
    costFactorPct: 35,
  },
  {
    code: "vn",
    iso2: "VN",
    name: "Vietnam",
    callingCode: "84",
    mobilePatterns: withPrefixes("32 33 34 35 36 37 38 39 70 76 77 78 79 81 82 83 84 85 86 88 89 90 91 93 94 96 97 98", "XXXXXXX"),
    costFactorPct: 40,
  },
  {
    code: "br",
    iso2: "BR",
    name: "Brazil",
    callingCode: "55",
    // Two-digit area code, then the mobile "9" and eight digits.
    mobilePatterns: withPrefixes("11 21 27 31 41 47 48 51 61 62 71 81 85 91 92", "9XXXXXXXX"),
    costFactorPct: 55,
  },
  {
    code: "us",
    iso2: "US",
    name: "USA",
    callingCode: "1",
    // Area code, then an exchange that starts with 2-9 (NANP).
    mobilePatterns: withPrefixes("201 202 212 213 305 312 347 404 415 503 512 617 646 702 713 718 786 818 917 929", "NXXXXXX"),
    costFactorPct: 120,
  },
  {
    code: "gb",
    iso2: "GB",
    name: "United Kingdom",
    callingCode: "44",
    mobilePatterns: withPrefixes("74 75 77 78 79", "XXXXXXXX"),
    costFactorPct: 110,
  },
  {
    code: "de",
    iso2: "DE",
    name: "Germany",
    callingCode: "49",
    mobilePatterns: [
      ...withPrefixes("151 152 157 159 162 172 173 174 176 177 178 179", "XXXXXXXX"),
      ...withPrefixes("160 170 171 175", "XXXXXXX"),
    ],
    costFactorPct: 130,
  },
  {
    code: "fr",
    iso2: "FR",
    name: "France",
    callingCode: "33",
    mobilePatterns: [...withPrefixes("6", "XXXXXXXX"), ...withPrefixes("75 76 77 78", "XXXXXXX")],
    costFactorPct: 120,
  },
  {
    code: "pl",
    iso2: "PL",
    name: "Poland",
    callingCode: "48",
    mobilePatterns: withPrefixes("45 50 51 53 57 60 66 69 72 73 78 79 88", "XXXXXXX"),
    costFactorPct: 90,
  },
  {
    code: "nl",
    iso2: "NL",
    name: "Netherlands",
    callingCode: "31",
    mobilePatterns: withPrefixes("61 62 63 64 65", "XXXXXXX"),
    costFactorPct: 110,
  },
  {
    code: "tr",
    iso2: "TR",
    name: "Turkey",
    callingCode: "90",
    mobilePatterns: withPrefixes("501 505 506 507 530 531 532 533 534 535 536 537 538 539 541 542 543 544 545 546 551 552 553 554 555", "XXXXXXX"),
    costFactorPct: 60,
  },
  {
    code: "eg",
    iso2: "EG",
    name: "Egypt",
    callingCode: "20",
    mobilePatterns: withPrefixes("10 11 12 15", "XXXXXXXX"),
    costFactorPct: 35,
  },
  {
    code: "ng",
    iso2: "NG",
    name: "Nigeria",
    callingCode: "234",
    mobilePatterns: withPrefixes("701 703 706 708 802 803 805 806 807 808 810 812 813 814 816 901 903 905 906 907", "XXXXXXX"),
    costFactorPct: 30,
  },
  {
    code: "ke",
    iso2: "KE",
    name: "Kenya",
    callingCode: "254",
    mobilePatterns: withPrefixes("70 71 72 74 79 10 11", "XXXXXXX"),
    costFactorPct: 30,
  },
  {
    code: "th",
    iso2: "TH",
    name: "Thailand",
    callingCode: "66",
    mobilePatterns: withPrefixes("61 62 63 64 65 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 96 97 98 99", "XXXXXXX"),
    costFactorPct: 45,
  },
  {
    code: "my",
    iso2: "MY",
    name: "Malaysia",
    callingCode: "60",
    // 011 numbers have one digit more than the other mobile ranges.
    mobilePatterns: [...withPrefixes("12 13 14 16 17 18 19", "XXXXXXX"), ...withPrefixes("11", "XXXXXXXX")],
    costFactorPct: 50,
  },
  {
    code: "uz",
    iso2: "UZ",
    name: "Uzbekistan",
    callingCode: "998",
    mobilePatterns: withPrefixes("33 88 90 91 93 94 95 97 99", "XXXXXXX"),
    costFactorPct: 40,
  },
  {
    code: "co",
    iso2: "CO",
    name: "Colombia",
    callingCode: "57",
    mobilePatterns: withPrefixes("300 301 302 304 310 311 312 313 314 315 316 317 318 320 321 322 350", "XXXXXXX"),
    costFactorPct: 45,
  },
  {
    code: "mx",
    iso2: "MX",
    name: "Mexico",
    callingCode: "52",
    mobilePatterns: [...withPrefixes("55 33 81", "XXXXXXXX"), ...withPrefixes("222 442 664 998", "XXXXXXX")],
    costFactorPct: 55,
  },
  // POLICY P3: sanctioned territories, listed with stock like real providers list them.
  {
    code: "ir",
    iso2: "IR",
    name: "Iran",
    callingCode: "98",
    mobilePatterns: withPrefixes("901 902 903 905 910 911 912 913 914 915 916 917 918 919 930 933 935 936 937 938 939 990", "XXXXXXX"),
    costFactorPct: 40,
  },
  {
    code: "cu",
    iso2: "CU",
    name: "Cuba",
    callingCode: "53",
    mobilePatterns: withPrefixes("52 53 54 55 56", "XXXXXX"),
    costFactorPct: 70,
  },
  {
    code: "sy",
    iso2: "SY",
    name: "Syria",
    callingCode: "963",
    mobilePatterns: withPrefixes("93 94 95 96 98 99", "XXXXXXX"),
    costFactorPct: 50,
  },
];

/** Pairs sold out from the start, so that "out of stock" shows up without any setup. */
const ZERO_STOCK: ReadonlySet<string> = new Set(["tg/us", "wa/gb", "dr/ru", "oi/de", "go/fr"]);
/** Pairs with only a few numbers left. */
const LOW_STOCK: ReadonlyMap<string, number> = new Map([
  ["tg/de", 3],
  ["go/nl", 7],
  ["ig/fr", 2],
  ["wa/us", 5],
]);

const MIN_COST_MICROS = 5_000_000;
const MAX_COST_MICROS = 150_000_000;
/** Costs are whole hundredths of a unit, like provider price lists. */
const CENT_MICROS = 10_000;

/** FNV-1a: a fixed spread of costs and stock per pair without a PRNG. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function pairKey(service: string, country: string): string {
  return `${service}/${country}`;
}

function activationCost(service: SimulatorService, country: SimulatorCountry): number {
  const variationPct = 85 + (hash32(`cost:${service.code}/${country.code}`) % 31); // 85..115
  // units * pct * pct = ten-thousandths of a unit; keep whole hundredths.
  const cents = Math.floor((service.baseUnits * country.costFactorPct * variationPct) / 100);
  return Math.min(MAX_COST_MICROS, Math.max(MIN_COST_MICROS, cents * CENT_MICROS));
}

function initialStock(service: string, country: string): number {
  const key = pairKey(service, country);
  if (ZERO_STOCK.has(key)) return 0;
  const low = LOW_STOCK.get(key);
  if (low !== undefined) return low;
  return 100 + (hash32(`stock:${key}`) % 4900);
}

/** Every (service, country) pair the simulator sells, with its cost and initial stock. */
export function simulatorOffers(): SimulatorOffer[] {
  const offers: SimulatorOffer[] = [];
  for (const service of SIMULATOR_SERVICES) {
    for (const country of SIMULATOR_COUNTRIES) {
      if (service.countries && !service.countries.includes(country.code)) continue;
      offers.push({
        service: service.code,
        country: country.code,
        costMicros: activationCost(service, country),
        stock: initialStock(service.code, country.code),
      });
    }
  }
  return offers;
}

// Rentals: a few popular services in a few countries, as real providers offer them.
export const RENT_SERVICES: readonly string[] = ["tg", "wa", "go", "fb", "ig", "dr", "mm", "am", "tw", "ot"];
export const RENT_COUNTRIES: readonly string[] = ["ru", "kz", "ua", "id", "in", "us", "gb", "de", "pl", "nl"];
/** Standard periods in hours (4 h, 1 day, 7 days, 30 days) and their price as a multiple of one activation. */
export const RENT_PERIODS: readonly { hours: number; costMultiple: number }[] = [
  { hours: 4, costMultiple: 2 },
  { hours: 24, costMultiple: 4 },
  { hours: 168, costMultiple: 15 },
  { hours: 720, costMultiple: 45 },
];
/**
 * A number for any service costs what the dearest rentable service costs in that country, times
 * this (it takes SMS from all of them). Its SMS come from the rentable services in turn, seeded.
 */
export const ANY_SERVICE_COST_FACTOR = 1.5;
export const MIN_RENT_HOURS = 4;
export const MAX_RENT_HOURS = 720;
const ZERO_RENT_STOCK: ReadonlySet<string> = new Set(["tg/gb"]);

export function initialRentStock(service: string, country: string): number {
  const key = pairKey(service, country);
  if (ZERO_RENT_STOCK.has(key)) return 0;
  return 5 + (hash32(`rent:${key}`) % 56);
}

/**
 * Price of renting for `hours`, interpolated linearly between the standard periods so that a
 * longer rental never costs less than a shorter one; rounded up to whole hundredths.
 */
export function rentCostMicros(activationCostMicros: number, hours: number): number {
  const points = RENT_PERIODS.map((period) => ({ hours: period.hours, cost: activationCostMicros * period.costMultiple }));
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) throw new Error("RENT_PERIODS is empty");
  let micros: number;
  if (hours <= first.hours) {
    micros = Math.ceil((first.cost * hours) / first.hours);
  } else {
    micros = last.cost;
    for (let i = 1; i < points.length; i++) {
      const low = points[i - 1];
      const high = points[i];
      if (!low || !high || hours > high.hours) continue;
      micros = low.cost + Math.ceil(((high.cost - low.cost) * (hours - low.hours)) / (high.hours - low.hours));
      break;
    }
  }
  return Math.ceil(micros / CENT_MICROS) * CENT_MICROS;
}
