import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseTelegramHtml, trimFormatted, type TelegramEntity } from "./telegramHtml.ts";

/**
 * A fake Telegram Bot API server over real HTTP on 127.0.0.1, plus simulated users, for end-to-end tests
 * of the bot: grammY's own HTTP client talks to it through `client.apiRoot`.
 *
 * What it models: real long polling (`getUpdates` holds until an update arrives; `offset` confirms);
 * private chats with per-chat message ids, edits and deletions; inline keyboards and callback queries;
 * Telegram-HTML validation; documents and photos uploaded as multipart (a photo must be a PNG or JPEG); Telegram Stars invoices, pre-checkout,
 * successful payments, refunds and the bot's Star transactions; users who block the bot; injected faults.
 *
 * Choices where Telegram is not documented or the fake is deliberately stricter:
 * - A string holding a lone surrogate (half an emoji) anywhere in a request is refused with 400
 *   "strings must be encoded in UTF-8", as Telegram does.
 * - A bare `&` or an unknown entity (`&foo;`) in HTML is rejected (tdlib keeps it as text).
 * - Text length is counted in UTF-16 code units (4096 for messages, 1024 for captions), after parsing and
 *   after Telegram's trimming of leading/trailing whitespace.
 * - Sending to a chat the fake has never seen (no `user()`, no update from it) answers 400 "chat not found".
 * - parse_mode Markdown/MarkdownV2 is accepted but not parsed: the text is stored as sent.
 * - Stars invoice validation errors: INVOICE_TITLE_INVALID / INVOICE_DESCRIPTION_INVALID (the fake's own
 *   names), INVOICE_PAYLOAD_INVALID, STARS_INVOICE_INVALID, CURRENCY_TOTAL_AMOUNT_INVALID,
 *   PAYMENT_PROVIDER_INVALID (MTProto error names seen in the wild).
 * - An update pushed with an update_id below the bot's current offset is still delivered once (Telegram
 *   could never do that; it is how a test replays an update the bot already confirmed).
 * - `blockBot` also sends the `my_chat_member` update Telegram sends (status "kicked"), unless told not to.
 * - Webhook mode: once setWebhook is called and a test has said where the bot listens
 *   (`routeWebhook`, the reverse proxy's job: the webhook URL must be https, the bot listens on plain
 *   http), the fake POSTs each update with the `X-Telegram-Bot-Api-Secret-Token` header, several at a
 *   time (up to max_connections, 40 by default), and retries any update that did not get a 2xx
 *   (after 50 ms, doubling up to 1 s; Telegram waits longer). `loseWebhookAnswers(n)` treats the
 *   next n answers as lost although the bot sent them (Telegram then delivers the update again).
 */

type Json = Record<string, unknown>;

export type { TelegramEntity } from "./telegramHtml.ts";

/** An error answer to inject with `failNext`. */
export interface FakeApiError {
  error_code: number;
  description: string;
  retry_after?: number;
}

export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  /** Epoch ms when the request arrived. */
  at: number;
  ok: boolean;
}

export interface FakeUserProfile {
  id?: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TelegramUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface InlineButton {
  text: string;
  callback_data?: string;
  url?: string;
  pay?: boolean;
  [key: string]: unknown;
}

/** One message of a chat as the user sees it now. */
export interface ChatMessage {
  id: number;
  from: "bot" | "user";
  /** Unix seconds, like Telegram. */
  date: number;
  /** Plain text (markup stripped), or the caption of a document or photo; "" when there is none. */
  text: string;
  /** The HTML as the bot sent it (latest edit), when parse_mode was HTML. */
  html?: string;
  entities: TelegramEntity[];
  /** Inline button labels, by row. */
  buttons: string[][];
  inlineKeyboard: InlineButton[][];
  edited: boolean;
  document?: { fileName: string; content: Buffer; mimeType: string; caption?: string };
  /** A photo as uploaded, with its size in pixels (read from the image) and its caption. */
  photo?: { content: Buffer; width: number; height: number; caption?: string };
  invoice?: { title: string; description: string; payload: string; currency: string; amount: number };
  successfulPayment?: {
    currency: string;
    total_amount: number;
    invoice_payload: string;
    telegram_payment_charge_id: string;
    provider_payment_charge_id: string;
  };
}

export interface StarTransaction {
  id: string;
  amount: number;
  date: number;
  source?: Json;
  receiver?: Json;
}

export interface StarRefund {
  userId: number;
  chargeId: string;
  amount: number;
  /** Epoch ms. */
  at: number;
}

export interface PayResult {
  preCheckoutOk: boolean;
  errorMessage?: string;
  /** telegram_payment_charge_id of the successful payment. */
  chargeId?: string;
}

export interface SettleOptions {
  quietMs?: number;
  timeoutMs?: number;
}

/** For send/press: `wait: false` pushes the update and returns at once (to simulate double taps). */
export interface UserActionOptions {
  wait?: boolean;
  /**
   * How long `send` waits for the bot's first API call about this chat before settling anyway
   * (default 3000 ms). The first update a bot handles can be slower than settle's quiet period.
   */
  replyTimeoutMs?: number;
}

export interface FakeUser {
  readonly id: number;
  readonly chatId: number;
  readonly profile: TelegramUser;
  send(text: string, options?: UserActionOptions): Promise<void>;
  /** Sends `text` as Telegram's reply to message `messageId` of this chat (reply_to_message carries it). */
  replyTo(messageId: number, text: string, options?: UserActionOptions): Promise<void>;
  press(label: string | RegExp, options?: UserActionOptions): Promise<void>;
  pressData(data: string, messageId?: number, options?: UserActionOptions): Promise<void>;
  messages(): ChatMessage[];
  lastBotMessage(): ChatMessage | undefined;
  botMessages(): ChatMessage[];
  /** Labels of the newest bot message that has inline buttons. */
  buttons(): string[][];
  /** The reply keyboard the bot last set in this chat (empty when removed or never set). */
  replyKeyboard(): string[][];
  /** All bot texts joined with newlines. */
  text(): string;
  /** Resolves with the first bot message whose text matches, checking the current messages first. */
  waitForMessage(match: string | RegExp, timeoutMs?: number): Promise<ChatMessage>;
  pay(invoice?: ChatMessage | number | string, options?: { telegramChargeId?: string; timeoutMs?: number }): Promise<PayResult>;
  lastSuccessfulPaymentUpdate(): (Json & { update_id: number }) | undefined;
  /** answerCallbackQuery answers the bot gave this user, oldest first. */
  callbackAnswers(): Array<{ text?: string; show_alert?: boolean; url?: string }>;
  blockBot(options?: { notify?: boolean }): void;
  unblockBot(options?: { notify?: boolean }): void;
}

export interface FakeTelegram {
  readonly apiRoot: string;
  readonly token: string;
  readonly bot: TelegramUser;
  close(): Promise<void>;
  user(profile?: FakeUserProfile): FakeUser;
  pushUpdate(update: object): number;
  blockBot(userId: number, options?: { notify?: boolean }): void;
  unblockBot(userId: number, options?: { notify?: boolean }): void;
  failNext(method: string, error: FakeApiError | "drop", times?: number): void;
  /** Forgets the faults still queued (all, or those of one method): Telegram is back. */
  clearFaults(method?: string): void;
  calls(method?: string): ApiCall[];
  commands(scope?: object, languageCode?: string): Array<{ command: string; description: string }>;
  pendingUpdates(): Json[];
  settle(options?: SettleOptions): Promise<void>;
  /** `settle` also waits while `busy()` says the bot still has work of its own (e.g. messages queued to send). */
  addBusyCheck(busy: () => boolean): void;
  starTransactions(): StarTransaction[];
  addStarTransaction(input: { userId: number; amount: number; payload: string; chargeId?: string; date?: number }): StarTransaction;
  refunds(): StarRefund[];
  webhook(): { url: string; secret_token?: string; allowed_updates?: string[] } | undefined;
  menuButtons(): Array<{ chatId?: number; menuButton: unknown }>;
  /** Callback queries the bot never answered (ids), for tests that want every button press answered. */
  unansweredCallbackQueries(): string[];
  /** Exceptions thrown inside the fake itself (answered 500): should always be empty. */
  internalErrors(): Error[];
  /** Webhook mode: where to POST (e.g. http://127.0.0.1:port); the webhook URL's path is kept. */
  routeWebhook(target: string): void;
  /** Webhook mode: the next `times` answers from the bot are treated as lost (the update is sent again). */
  loseWebhookAnswers(times?: number): void;
  /** Webhook mode: every POST made, with the HTTP status (0: no answer). */
  webhookDeliveries(): WebhookDelivery[];
}

export interface WebhookDelivery {
  updateId: number;
  status: number;
  /** The answer came but was treated as lost (`loseWebhookAnswers`). */
  lost: boolean;
}

export interface FakeTelegramOptions {
  token?: string;
  botId?: number;
  botUsername?: string;
  botName?: string;
  /** Clock for message dates (epoch ms). Default Date.now. */
  now?: () => number;
}

// ---------------------------------------------------------------------------------------------------
// Errors and parameter access

class ApiFailure extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

const badRequest = (what: string) => new ApiFailure(400, `Bad Request: ${what}`);
const BLOCKED = () => new ApiFailure(403, "Forbidden: bot was blocked by the user");
const CALLBACK_INVALID = () => badRequest("query is too old and response timeout expired or query ID is invalid");

type Params = Record<string, unknown>;

/** Form bodies carry every value as a string: these are turned back into what JSON bodies carry. */
const JSON_PARAMS = new Set([
  "reply_markup", "entities", "caption_entities", "prices", "allowed_updates", "commands", "scope",
  "menu_button", "link_preview_options", "reply_parameters", "suggested_tip_amounts", "media",
]);
const INT_PARAMS = new Set([
  "chat_id", "message_id", "from_chat_id", "user_id", "offset", "limit", "timeout", "cache_time",
  "max_connections", "reply_to_message_id", "message_thread_id", "max_tip_amount",
]);
const BOOL_PARAMS = new Set([
  "ok", "show_alert", "drop_pending_updates", "disable_notification", "protect_content", "is_flexible",
  "need_name", "need_phone_number", "need_email", "need_shipping_address", "send_phone_number_to_provider",
  "send_email_to_provider", "disable_content_type_detection", "allow_sending_without_reply", "allow_paid_broadcast",
]);

function normalizeFormValue(name: string, value: string): unknown {
  if (JSON_PARAMS.has(name)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value; // the handler reports it as unparseable
    }
  }
  if (INT_PARAMS.has(name) && /^-?\d+$/.test(value)) return Number(value);
  if (BOOL_PARAMS.has(name) && (value === "true" || value === "false")) return value === "true";
  return value;
}

function optInt(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  throw badRequest(`invalid ${name} specified`);
}

function optStr(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw badRequest(`field "${name}" must be of type String`);
}

function optBool(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "1" || v === 1) return true;
  if (v === "false" || v === "0" || v === 0) return false;
  throw badRequest(`field "${name}" must be of type Boolean`);
}

/** JSON bodies may also carry nested objects as JSON strings; Telegram accepts both. */
function optJson(p: Params, name: string, errorText: string): unknown {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw badRequest(errorText);
  }
}

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Stable JSON (sorted keys), to compare markups and entities whatever the key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isRecord(v)) {
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------
// Bodies: JSON, urlencoded, multipart

interface UploadedFile {
  fileName: string;
  contentType: string;
  content: Buffer;
}

interface ParsedRequest {
  params: Params;
  files: Map<string, UploadedFile>;
}

/** Whether any string in the request (at any depth) holds a lone UTF-16 surrogate. */
function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === "string") return /[\uD800-\uDFFF]/u.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (value !== null && typeof value === "object") return Object.values(value).some(hasLoneSurrogate);
  return false;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseRequest(req: IncomingMessage, url: URL, body: Buffer): ParsedRequest {
  const params: Params = {};
  const files = new Map<string, UploadedFile>();
  for (const [k, v] of url.searchParams) params[k] = normalizeFormValue(k, v);
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (body.length === 0) return { params, files };
  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8")) as unknown;
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (!isRecord(parsed)) throw badRequest("JSON object expected");
    Object.assign(params, parsed);
  } else if (type.startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(body.toString("utf8"))) params[k] = normalizeFormValue(k, v);
  } else if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers["content-type"] ?? "");
    const b = boundary?.[1] ?? boundary?.[2];
    if (b === undefined) throw badRequest("multipart boundary is missing");
    parseMultipart(body, b.trim(), params, files);
  }
  return { params, files };
}

function parseMultipart(body: Buffer, boundary: string, params: Params, files: Map<string, UploadedFile>): void {
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") return; // closing delimiter
    const next = body.indexOf(delimiter, start);
    if (next === -1) return;
    let part = body.subarray(start, next);
    if (part.subarray(0, 2).toString() === "\r\n") part = part.subarray(2);
    if (part.subarray(part.length - 2).toString() === "\r\n") part = part.subarray(0, part.length - 2);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString("utf8");
      const content = part.subarray(headerEnd + 4);
      // grammY writes `content-disposition:form-data;name="x";filename=y` (no spaces, filename unquoted).
      const disposition = /content-disposition:\s*([^\r\n]*)/i.exec(headers)?.[1] ?? "";
      const name = /(?:^|;)\s*name="([^"]*)"/i.exec(disposition)?.[1];
      const fileName = /(?:^|;)\s*filename=(?:"([^"]*)"|([^;]*))/i.exec(disposition);
      if (name !== undefined) {
        if (fileName) {
          const contentType = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim() ?? "application/octet-stream";
          files.set(name, { fileName: (fileName[1] ?? fileName[2] ?? "").trim(), contentType, content: Buffer.from(content) });
        } else {
          params[name] = normalizeFormValue(name, content.toString("utf8"));
        }
      }
    }
    pos = next;
  }
}

// ---------------------------------------------------------------------------------------------------
// Chats and messages

interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  fileName: string;
  mimeType: string;
  content: Buffer;
}

interface InvoiceData {
  title: string;
  description: string;
  payload: string;
  currency: string;
  amount: number;
  startParameter: string;
}

interface StoredMessage {
  id: number;
  chatId: number;
  from: "bot" | "user";
  date: number;
  editDate?: number;
  deleted: boolean;
  /** Text, or the caption of a document. */
  text?: string;
  entities: TelegramEntity[];
  html?: string;
  document?: StoredFile;
  photo?: StoredFile & { width: number; height: number };
  invoice?: InvoiceData;
  /** The inline keyboard markup ({inline_keyboard}) attached to a bot message. */
  markup?: Json;
  /** A user message exactly as it was delivered in the update. */
  raw?: Json;
}

interface ChatState {
  id: number;
  user: TelegramUser;
  messages: StoredMessage[];
  nextMessageId: number;
  blocked: boolean;
  replyKeyboard: string[][];
}

interface QueuedUpdate {
  id: number;
  update: Json;
  delivered: boolean;
}

interface Poller {
  limit: number;
  deliver(batch: QueuedUpdate[]): void;
  fail(error: ApiFailure): void;
  timer: NodeJS.Timeout;
}

interface Charge {
  chargeId: string;
  userId: number;
  amount: number;
  payload: string;
  refunded: boolean;
}

interface PendingCallback {
  id: string;
  userId: number;
  answered: boolean;
  wake: () => void;
}

interface PendingPreCheckout {
  id: string;
  answered: boolean;
  expired: boolean;
  wake: (answer: { ok: boolean; errorMessage?: string }) => void;
}

interface Fault {
  method: string;
  error: FakeApiError | "drop";
  remaining: number;
}

type Handler = (p: Params, ctx: { files: Map<string, UploadedFile>; res: ServerResponse }) => unknown;

/** Update kinds Telegram leaves out unless allowed_updates names them. */
const NOT_DELIVERED_BY_DEFAULT = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

const CHAT_ACTIONS = new Set([
  "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
  "choose_sticker", "find_location", "record_video_note", "upload_video_note",
]);

const BUTTON_ACTIONS = [
  "url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay",
];

function randomId(bytes = 12): string {
  return randomBytes(bytes).toString("base64url");
}

/** Width and height of a PNG (its IHDR chunk) or a JPEG (its first SOFn marker); undefined for anything else. */
function imageSize(content: Buffer): { width: number; height: number } | undefined {
  if (content.length >= 24 && content.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) && content.toString("latin1", 12, 16) === "IHDR") {
    return { width: content.readUInt32BE(16), height: content.readUInt32BE(20) };
  }
  if (content.length > 4 && content[0] === 0xff && content[1] === 0xd8) {
    for (let at = 2; at + 9 < content.length; ) {
      if (content[at] !== 0xff) return undefined;
      const marker = content[at + 1] ?? 0;
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { height: content.readUInt16BE(at + 5), width: content.readUInt16BE(at + 7) };
      at += 2 + content.readUInt16BE(at + 2);
    }
  }
  return undefined;
}

function mimeTypeFor(fileName: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  const known: Record<string, string> = {
    csv: "text/csv", txt: "text/plain", json: "application/json", pdf: "application/pdf", html: "text/html",
    zip: "application/zip", xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  };
  return (ext !== undefined ? known[ext] : undefined) ?? "application/octet-stream";
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

// ---------------------------------------------------------------------------------------------------
// The server

class FakeTelegramServer implements FakeTelegram {
  readonly token: string;
  readonly bot: TelegramUser;
  apiRoot = "";

  private readonly now: () => number;
  private server: Server | undefined;
  private closed = false;
  private readonly methods = new Map<string, { name: string; fn: Handler }>();

  private readonly chats = new Map<number, ChatState>();
  private readonly fakeUsers = new Map<number, SimulatedUser>();
  private nextUserId = 100_001;

  private queue: QueuedUpdate[] = [];
  private maxUpdateId = 10_000;
  private poller: Poller | undefined;
  private allowedUpdates: Set<string> | undefined;

  private readonly callLog: ApiCall[] = [];
  private readonly faults: Fault[] = [];
  private readonly inFlight = new Map<number, string>();
  private requestSeq = 0;
  private lastActivity = Date.now();
  private readonly errors: Error[] = [];
  private readonly changeListeners = new Set<() => void>();

  private webhookInfo: { url: string; secret_token?: string; allowed_updates?: string[]; max_connections?: number } | undefined;
  private webhookTarget: string | undefined;
  private readonly webhookState = new WeakMap<QueuedUpdate, { sending: boolean; attempts: number; nextAt: number }>();
  private webhookTimer: NodeJS.Timeout | undefined;
  private webhookSending = 0;
  private lostAnswers = 0;
  private readonly webhookLog: WebhookDelivery[] = [];
  private readonly commandSets = new Map<string, Array<{ command: string; description: string }>>();
  /** setMyDescription / setMyShortDescription, by "field:language_code". */
  private readonly profileTexts = new Map<string, string>();
  private readonly menuButtonLog: Array<{ chatId?: number; menuButton: unknown }> = [];

  private readonly files = new Map<string, StoredFile>();
  private readonly callbacks = new Map<string, PendingCallback>();
  private readonly callbackAnswerLog = new Map<number, Array<{ text?: string; show_alert?: boolean; url?: string }>>();
  private callbackSeq = 0;
  private readonly preCheckouts = new Map<string, PendingPreCheckout>();
  private preCheckoutSeq = 0;
  private readonly invoiceLinks = new Map<string, InvoiceData>();

  private readonly transactions: StarTransaction[] = [];
  private readonly charges = new Map<string, Charge>();
  private readonly refundLog: StarRefund[] = [];
  private providerChargeSeq = 0;

  constructor(options: FakeTelegramOptions) {
    this.token = options.token ?? "123456789:TEST-fake-telegram-token";
    const idFromToken = /^(\d+):/.exec(this.token)?.[1];
    this.bot = {
      id: options.botId ?? (idFromToken !== undefined ? Number(idFromToken) : 123456789),
      is_bot: true,
      first_name: options.botName ?? "Test Bot",
      username: options.botUsername ?? "fake_test_bot",
    };
    this.now = options.now ?? Date.now;
    this.registerMethods();
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        this.errors.push(e instanceof Error ? e : new Error(String(e)));
        if (!res.headersSent) sendJson(res, 500, { ok: false, error_code: 500, description: "Internal Server Error" });
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address() as AddressInfo;
    this.apiRoot = `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const poller = this.poller;
    this.poller = undefined;
    if (poller) {
      clearTimeout(poller.timer);
      poller.deliver([]);
    }
    clearTimeout(this.webhookTimer);
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Let the empty long-poll answers go out before the sockets are cut.
      setImmediate(() => server.closeAllConnections());
    });
  }

  // --- HTTP ------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const route = /^\/bot([^/]*)\/([A-Za-z0-9_]*)$/.exec(url.pathname);
    const methodName = route?.[2] ?? "";
    const method = this.methods.get(methodName.toLowerCase());
    const isPoll = method?.name === "getUpdates";
    const requestId = ++this.requestSeq;
    const tracked = route !== null && route[1] === this.token && !isPoll;
    if (tracked) {
      this.inFlight.set(requestId, method?.name ?? methodName);
      this.lastActivity = Date.now();
    }
    try {
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch {
        return; // the client went away
      }
      if (route === null) return sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      if (route[1] !== this.token) return sendJson(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });

      const call: ApiCall = { method: method?.name ?? methodName, params: {}, at: Date.now(), ok: true };
      this.callLog.push(call);
      let parsed: ParsedRequest;
      try {
        parsed = parseRequest(req, url, body);
      } catch (e) {
        call.ok = false;
        return sendFailure(res, e instanceof ApiFailure ? e : badRequest("can't parse request"));
      }
      call.params = parsed.params;
      // Telegram decodes every string as UTF-8: half an emoji (a lone surrogate, sent as a JSON
      // escape) cannot be decoded and the whole request is refused.
      if (hasLoneSurrogate(parsed.params)) {
        call.ok = false;
        return sendFailure(res, badRequest("strings must be encoded in UTF-8"));
      }
      if (!method) {
        call.ok = false;
        return sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      }
      const fault = this.takeFault(method.name);
      if (fault === "drop") {
        call.ok = false;
        req.socket.destroy();
        return;
      }
      if (fault !== undefined) {
        call.ok = false;
        return sendFailure(res, new ApiFailure(fault.error_code, fault.description, fault.retry_after));
      }
      try {
        const result = await method.fn(parsed.params, { files: parsed.files, res });
        sendJson(res, 200, { ok: true, result });
      } catch (e) {
        call.ok = false;
        if (e instanceof ApiFailure) return sendFailure(res, e);
        const error = e instanceof Error ? e : new Error(String(e));
        this.errors.push(error);
        sendJson(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: fake Telegram failed: ${error.message}` });
      }
    } finally {
      if (tracked) {
        this.inFlight.delete(requestId);
        this.lastActivity = Date.now();
      }
    }
  }

  private takeFault(method: string): FakeApiError | "drop" | undefined {
    const index = this.faults.findIndex((f) => f.method === method.toLowerCase() && f.remaining > 0);
    if (index === -1) return undefined;
    const fault = this.faults[index]!;
    fault.remaining--;
    if (fault.remaining <= 0) this.faults.splice(index, 1);
    return fault.error;
  }

  failNext(method: string, error: FakeApiError | "drop", times = 1): void {
    this.faults.push({ method: method.toLowerCase(), error, remaining: times });
  }

  clearFaults(method?: string): void {
    const name = method?.toLowerCase();
    for (let i = this.faults.length - 1; i >= 0; i--) if (name === undefined || this.faults[i]?.method === name) this.faults.splice(i, 1);
  }

  // --- Introspection ---------------------------------------------------------------------------------

  /** Resolves once the bot made an API call about `chatId` after call number `since`, or after `timeoutMs`. */
  async waitForChatCall(chatId: number, since: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const about = (value: unknown) => value !== undefined && String(value) === String(chatId);
      if (this.callLog.slice(since).some((c) => about(c.params["chat_id"]) || about(c.params["user_id"]))) return true;
      await sleep(5);
    }
    return false;
  }

  callCount(): number {
    return this.callLog.length;
  }

  calls(method?: string): ApiCall[] {
    const wanted = method?.toLowerCase();
    return this.callLog.filter((c) => wanted === undefined || c.method.toLowerCase() === wanted).map((c) => ({ ...c, params: clone(c.params) }));
  }

  commands(scope?: object, languageCode?: string): Array<{ command: string; description: string }> {
    return clone(this.commandSets.get(commandKey(scope, languageCode)) ?? []);
  }

  pendingUpdates(): Json[] {
    return this.queue.filter((q) => !q.delivered).map((q) => clone(q.update));
  }

  webhook(): { url: string; secret_token?: string; allowed_updates?: string[] } | undefined {
    return this.webhookInfo ? clone(this.webhookInfo) : undefined;
  }

  menuButtons(): Array<{ chatId?: number; menuButton: unknown }> {
    return clone(this.menuButtonLog);
  }

  unansweredCallbackQueries(): string[] {
    return [...this.callbacks.values()].filter((c) => !c.answered).map((c) => c.id);
  }

  internalErrors(): Error[] {
    return [...this.errors];
  }

  starTransactions(): StarTransaction[] {
    return clone(this.transactions);
  }

  refunds(): StarRefund[] {
    return clone(this.refundLog);
  }

  private readonly busyChecks: Array<() => boolean> = [];

  addBusyCheck(busy: () => boolean): void {
    this.busyChecks.push(busy);
  }

  async settle(options: SettleOptions = {}): Promise<void> {
    const quietMs = options.quietMs ?? 40;
    const timeoutMs = options.timeoutMs ?? 5000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = this.queue.filter((q) => !q.delivered).length;
      const quietFor = Date.now() - this.lastActivity;
      const botBusy = this.busyChecks.some((busy) => busy());
      if (pending === 0 && this.inFlight.size === 0 && quietFor >= quietMs && !botBusy) return;
      if (Date.now() >= deadline) {
        const problems: string[] = [];
        if (pending > 0) {
          problems.push(
            `${pending} update(s) were never fetched by getUpdates` +
              (this.webhookInfo
                ? this.webhookTarget === undefined
                  ? " (a webhook is set, so getUpdates is refused; routeWebhook was not called)"
                  : " (the webhook did not accept them)"
                : " (is the bot polling?)"),
          );
        }
        if (this.inFlight.size > 0) problems.push(`requests still in flight: ${[...this.inFlight.values()].join(", ")}`);
        if (botBusy) problems.push("the bot still has work of its own (see addBusyCheck)");
        if (problems.length === 0) problems.push(`the bot kept calling the API (last activity ${quietFor} ms ago)`);
        throw new Error(`FakeTelegram.settle() timed out after ${timeoutMs} ms: ${problems.join("; ")}`);
      }
      await sleep(Math.max(1, Math.min(10, quietMs - quietFor)));
    }
  }

  /** Calls `listener` on every change to a chat, until it returns true or `timeoutMs` passes. */
  onChange(listener: () => boolean, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (listener()) return resolve(true);
      const wrapped = () => {
        if (listener()) {
          cleanup();
          resolve(true);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(false);
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.changeListeners.delete(wrapped);
      };
      this.changeListeners.add(wrapped);
    });
  }

  private changed(): void {
    for (const listener of [...this.changeListeners]) listener();
  }

  // --- Users and chats -------------------------------------------------------------------------------

  user(profile: FakeUserProfile = {}): FakeUser {
    if (profile.id !== undefined) {
      const existing = this.fakeUsers.get(profile.id);
      if (existing) return existing;
    }
    let id = profile.id;
    if (id === undefined) {
      while (this.chats.has(this.nextUserId) || this.fakeUsers.has(this.nextUserId)) this.nextUserId++;
      id = this.nextUserId++;
    }
    const tgUser: TelegramUser = {
      id,
      is_bot: false,
      first_name: profile.first_name ?? `User${id}`,
      ...(profile.last_name !== undefined ? { last_name: profile.last_name } : {}),
      ...(profile.username !== undefined ? { username: profile.username } : {}),
      language_code: profile.language_code ?? "en",
    };
    const chat = this.chats.get(id) ?? this.createChat(tgUser);
    chat.user = tgUser;
    const user = new SimulatedUser(this, chat.id, tgUser);
    this.fakeUsers.set(id, user);
    return user;
  }

  private createChat(user: TelegramUser): ChatState {
    const chat: ChatState = { id: user.id, user, messages: [], nextMessageId: 1, blocked: false, replyKeyboard: [] };
    this.chats.set(user.id, chat);
    return chat;
  }

  chat(chatId: number): ChatState {
    const chat = this.chats.get(chatId);
    if (!chat) throw new Error(`FakeTelegram: no chat ${chatId}`);
    return chat;
  }

  private chatJson(chat: ChatState): Json {
    const u = chat.user;
    return {
      id: chat.id,
      type: "private",
      first_name: u.first_name,
      ...(u.last_name !== undefined ? { last_name: u.last_name } : {}),
      ...(u.username !== undefined ? { username: u.username } : {}),
    };
  }

  blockBot(userId: number, options: { notify?: boolean } = {}): void {
    const chat = this.chat(userId);
    if (chat.blocked) return;
    chat.blocked = true;
    if (options.notify ?? true) this.pushMemberUpdate(chat, "member", "kicked");
  }

  unblockBot(userId: number, options: { notify?: boolean } = {}): void {
    const chat = this.chat(userId);
    if (!chat.blocked) return;
    chat.blocked = false;
    if (options.notify ?? true) this.pushMemberUpdate(chat, "kicked", "member");
  }

  private pushMemberUpdate(chat: ChatState, from: string, to: string): void {
    const member = (status: string) => ({ user: this.bot, status, ...(status === "kicked" ? { until_date: 0 } : {}) });
    this.pushUpdate({
      my_chat_member: {
        chat: this.chatJson(chat),
        from: chat.user,
        date: this.unixNow(),
        old_chat_member: member(from),
        new_chat_member: member(to),
      },
    });
  }

  unixNow(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Builds the Telegram Message object for a stored message, as it looks now. */
  messageJson(m: StoredMessage): Json {
    if (m.raw) return clone(m.raw);
    const chat = this.chat(m.chatId);
    const json: Json = {
      message_id: m.id,
      from: m.from === "bot" ? this.bot : chat.user,
      chat: this.chatJson(chat),
      date: m.date,
    };
    if (m.editDate !== undefined) json.edit_date = m.editDate;
    if (m.document) {
      json.document = {
        file_id: m.document.fileId,
        file_unique_id: m.document.fileUniqueId,
        file_name: m.document.fileName,
        mime_type: m.document.mimeType,
        file_size: m.document.content.length,
      };
      if (m.text !== undefined && m.text.length > 0) {
        json.caption = m.text;
        if (m.entities.length > 0) json.caption_entities = clone(m.entities);
      }
    } else if (m.photo) {
      json.photo = [{ file_id: m.photo.fileId, file_unique_id: m.photo.fileUniqueId, width: m.photo.width, height: m.photo.height, file_size: m.photo.content.length }];
      if (m.text !== undefined && m.text.length > 0) {
        json.caption = m.text;
        if (m.entities.length > 0) json.caption_entities = clone(m.entities);
      }
    } else if (m.invoice) {
      json.invoice = {
        title: m.invoice.title,
        description: m.invoice.description,
        start_parameter: m.invoice.startParameter,
        currency: m.invoice.currency,
        total_amount: m.invoice.amount,
      };
    } else if (m.text !== undefined) {
      json.text = m.text;
      if (m.entities.length > 0) json.entities = clone(m.entities);
    }
    if (m.markup) json.reply_markup = clone(m.markup);
    return json;
  }

  view(m: StoredMessage): ChatMessage {
    const keyboard = inlineKeyboardOf(m);
    const view: ChatMessage = {
      id: m.id,
      from: m.from,
      date: m.date,
      text: m.text ?? "",
      entities: clone(m.entities),
      buttons: keyboard.map((row) => row.map((b) => b.text)),
      inlineKeyboard: clone(keyboard),
      edited: m.editDate !== undefined,
    };
    if (m.html !== undefined) view.html = m.html;
    if (m.document) {
      view.document = { fileName: m.document.fileName, content: Buffer.from(m.document.content), mimeType: m.document.mimeType };
      if (m.text !== undefined && m.text.length > 0) view.document.caption = m.text;
    }
    if (m.photo) {
      view.photo = { content: Buffer.from(m.photo.content), width: m.photo.width, height: m.photo.height };
      if (m.text !== undefined && m.text.length > 0) view.photo.caption = m.text;
    }
    if (m.invoice) {
      const { title, description, payload, currency, amount } = m.invoice;
      view.invoice = { title, description, payload, currency, amount };
    }
    const payment = m.raw?.successful_payment;
    if (isRecord(payment)) view.successfulPayment = clone(payment) as ChatMessage["successfulPayment"];
    return view;
  }

  private addMessage(chat: ChatState, fields: Omit<StoredMessage, "id" | "chatId" | "date" | "deleted">): StoredMessage {
    const message: StoredMessage = { id: chat.nextMessageId++, chatId: chat.id, date: this.unixNow(), deleted: false, ...fields };
    chat.messages.push(message);
    this.changed();
    return message;
  }

  /** A message from the user; `content` is what a Telegram Message carries besides the envelope. */
  addUserMessage(chatId: number, content: Json): StoredMessage {
    const chat = this.chat(chatId);
    const id = chat.nextMessageId;
    const raw: Json = { message_id: id, from: chat.user, chat: this.chatJson(chat), date: this.unixNow(), ...content };
    const text = typeof content.text === "string" ? content.text : undefined;
    const entities = Array.isArray(content.entities) ? (content.entities as TelegramEntity[]) : [];
    return this.addMessage(chat, { from: "user", ...(text !== undefined ? { text } : {}), entities, raw });
  }

  findMessage(chat: ChatState, messageId: number): StoredMessage | undefined {
    return chat.messages.find((m) => m.id === messageId && !m.deleted);
  }

  // --- Updates ---------------------------------------------------------------------------------------

  pushUpdate(update: object): number {
    const copy = clone(update) as Json;
    const given = copy.update_id;
    const id = typeof given === "number" && Number.isInteger(given) ? given : this.maxUpdateId + 1;
    this.maxUpdateId = Math.max(this.maxUpdateId, id);
    const { update_id: _ignored, ...rest } = copy;
    const full: Json = { update_id: id, ...rest };
    this.learnChats(full);
    this.queue.push({ id, update: full, delivered: false });
    this.wakePoller();
    if (this.webhookInfo) this.pumpWebhook();
    return id;
  }

  /** Chats the bot can write to: every private chat an update came from. */
  private learnChats(update: Json): void {
    for (const value of Object.values(update)) {
      if (!isRecord(value)) continue;
      const from = value.from;
      const chat = value.chat;
      if (isRecord(from) && typeof from.id === "number" && from.id > 0 && !this.chats.has(from.id)) {
        const isPrivate = !isRecord(chat) || chat.type === "private";
        if (isPrivate) {
          this.createChat({
            id: from.id,
            is_bot: false,
            first_name: typeof from.first_name === "string" ? from.first_name : `User${from.id}`,
            ...(typeof from.last_name === "string" ? { last_name: from.last_name } : {}),
            ...(typeof from.username === "string" ? { username: from.username } : {}),
            ...(typeof from.language_code === "string" ? { language_code: from.language_code } : {}),
          });
        }
      }
    }
  }

  private updateKind(update: Json): string {
    return Object.keys(update).find((k) => k !== "update_id") ?? "unknown";
  }

  private isAllowed(update: Json): boolean {
    const kind = this.updateKind(update);
    return this.allowedUpdates ? this.allowedUpdates.has(kind) : !NOT_DELIVERED_BY_DEFAULT.has(kind);
  }

  /**
   * `offset` confirms every delivered update below it. An update never delivered stays until it is,
   * whatever its id (see the header: replays of an already confirmed update_id).
   */
  private confirm(offset: number): void {
    if (offset > 0) {
      this.queue = this.queue.filter((q) => !(q.delivered && q.id < offset));
    } else if (offset < 0) {
      this.queue = this.queue.slice(offset);
    }
  }

  private take(limit: number): QueuedUpdate[] {
    // Updates of kinds the bot did not ask for are dropped, as Telegram does not even store them.
    this.queue = this.queue.filter((q) => this.isAllowed(q.update));
    return this.queue.slice(0, limit);
  }

  private deliver(batch: QueuedUpdate[]): Json[] {
    for (const q of batch) q.delivered = true;
    if (batch.length > 0) this.lastActivity = Date.now();
    return batch.map((q) => clone(q.update));
  }

  private wakePoller(): void {
    const poller = this.poller;
    if (!poller) return;
    const batch = this.take(poller.limit);
    if (batch.length === 0) return;
    this.poller = undefined;
    clearTimeout(poller.timer);
    poller.deliver(batch);
  }

  // --- Webhook mode ----------------------------------------------------------------------------------

  routeWebhook(target: string): void {
    this.webhookTarget = target.replace(/\/+$/, "");
    this.pumpWebhook();
  }

  loseWebhookAnswers(times = 1): void {
    this.lostAnswers += times;
  }

  webhookDeliveries(): WebhookDelivery[] {
    return this.webhookLog.map((d) => ({ ...d }));
  }

  /** Starts POSTs for the updates that are due, up to max_connections at once. */
  private pumpWebhook(): void {
    const info = this.webhookInfo;
    const target = this.webhookTarget;
    if (this.closed || !info || target === undefined) return;
    const allowed = info.allowed_updates && info.allowed_updates.length > 0 ? new Set(info.allowed_updates) : undefined;
    const limit = info.max_connections ?? 40;
    const now = Date.now();
    let nextAt = Infinity;
    for (const q of this.queue) {
      if (q.delivered) continue;
      const kind = this.updateKind(q.update);
      if (allowed ? !allowed.has(kind) : NOT_DELIVERED_BY_DEFAULT.has(kind)) continue;
      const state = this.webhookState.get(q) ?? { sending: false, attempts: 0, nextAt: 0 };
      this.webhookState.set(q, state);
      if (state.sending) continue;
      if (state.nextAt > now) {
        nextAt = Math.min(nextAt, state.nextAt);
        continue;
      }
      if (this.webhookSending >= limit) break;
      state.sending = true;
      this.webhookSending++;
      void this.postUpdate(q, state, `${target}${new URL(info.url).pathname}`, info.secret_token);
    }
    clearTimeout(this.webhookTimer);
    if (nextAt !== Infinity) this.webhookTimer = setTimeout(() => this.pumpWebhook(), Math.max(1, nextAt - Date.now()));
  }

  private async postUpdate(q: QueuedUpdate, state: { sending: boolean; attempts: number; nextAt: number }, url: string, secret: string | undefined): Promise<void> {
    this.lastActivity = Date.now();
    let status = 0;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(secret !== undefined ? { "X-Telegram-Bot-Api-Secret-Token": secret } : {}) },
        body: JSON.stringify(q.update),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = 0;
    }
    const lost = status >= 200 && status < 300 && this.lostAnswers > 0;
    if (lost) this.lostAnswers--;
    this.webhookLog.push({ updateId: q.id, status, lost });
    state.sending = false;
    this.webhookSending--;
    this.lastActivity = Date.now();
    if (status >= 200 && status < 300 && !lost) {
      q.delivered = true;
      this.queue = this.queue.filter((item) => item !== q);
    } else {
      state.attempts++;
      state.nextAt = Date.now() + Math.min(1_000, 50 * 2 ** (state.attempts - 1));
    }
    this.pumpWebhook();
  }

  private getUpdates(p: Params, res: ServerResponse): Json[] | Promise<Json[]> {
    if (this.webhookInfo) {
      throw new ApiFailure(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    const offset = optInt(p, "offset") ?? 0;
    const limit = Math.min(100, Math.max(1, optInt(p, "limit") ?? 100));
    const timeout = Math.max(0, optInt(p, "timeout") ?? 0);
    const allowed = optJson(p, "allowed_updates", "can't parse allowed_updates JSON object");
    if (allowed !== undefined) {
      this.allowedUpdates = Array.isArray(allowed) && allowed.length > 0 ? new Set(allowed.map(String)) : undefined;
    }
    this.confirm(offset);
    const previous = this.poller;
    if (previous) {
      this.poller = undefined;
      clearTimeout(previous.timer);
      previous.fail(new ApiFailure(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"));
    }
    const batch = this.take(limit);
    if (batch.length > 0 || timeout === 0 || this.closed) return this.deliver(batch);
    return new Promise<Json[]>((resolve, reject) => {
      const poller: Poller = {
        limit,
        deliver: (b) => resolve(this.deliver(b)),
        fail: reject,
        timer: setTimeout(() => {
          if (this.poller === poller) this.poller = undefined;
          resolve([]);
        }, timeout * 1000),
      };
      this.poller = poller;
      // A client that gives up (runner.stop() aborts its fetch) must not be handed updates.
      res.on("close", () => {
        if (this.poller === poller) {
          this.poller = undefined;
          clearTimeout(poller.timer);
        }
      });
    });
  }

  // --- Stars -----------------------------------------------------------------------------------------

  /** Telegram fills provider_payment_charge_id even for Stars; its format is not documented. */
  newProviderChargeId(userId: number): string {
    return `${userId}_${++this.providerChargeSeq}`;
  }

  newChargeId(): string {
    let id: string;
    do id = `stx${randomId(18)}`;
    while (this.charges.has(id));
    return id;
  }

  addStarTransaction(input: { userId: number; amount: number; payload: string; chargeId?: string; date?: number }): StarTransaction {
    const chargeId = input.chargeId ?? this.newChargeId();
    const chat = this.chats.get(input.userId);
    const user: TelegramUser = chat?.user ?? { id: input.userId, is_bot: false, first_name: `User${input.userId}` };
    if (!this.charges.has(chargeId)) {
      this.charges.set(chargeId, { chargeId, userId: input.userId, amount: input.amount, payload: input.payload, refunded: false });
    }
    const tx: StarTransaction = {
      id: chargeId,
      amount: input.amount,
      date: input.date ?? this.unixNow(),
      source: { type: "user", transaction_type: "invoice_payment", user, invoice_payload: input.payload },
    };
    this.transactions.push(tx);
    return clone(tx);
  }

  newPreCheckout(): { id: string; answer: Promise<{ ok: boolean; errorMessage?: string }>; expire(): void } {
    const id = `${Date.now()}${++this.preCheckoutSeq}`;
    let wake: PendingPreCheckout["wake"] = () => undefined;
    const answer = new Promise<{ ok: boolean; errorMessage?: string }>((resolve) => {
      wake = resolve;
    });
    const pending: PendingPreCheckout = { id, answered: false, expired: false, wake };
    this.preCheckouts.set(id, pending);
    return { id, answer, expire: () => (pending.expired = true) };
  }

  findInvoice(chatId: number, target: ChatMessage | number | string | undefined): InvoiceData {
    if (typeof target === "string") {
      const slug = /\/\$([A-Za-z0-9_-]+)$/.exec(target)?.[1] ?? target;
      const linked = this.invoiceLinks.get(slug);
      if (!linked) throw new Error(`FakeUser.pay: no invoice link ${target}`);
      return linked;
    }
    const chat = this.chat(chatId);
    const id = typeof target === "number" ? target : target?.id;
    const candidates = chat.messages.filter((m) => !m.deleted && m.invoice && (id === undefined || m.id === id));
    const found = candidates[candidates.length - 1]?.invoice;
    if (!found) {
      throw new Error(id === undefined ? `FakeUser.pay: the bot sent no invoice to chat ${chatId}` : `FakeUser.pay: message ${id} is not an invoice`);
    }
    return found;
  }

  // --- Callback queries ------------------------------------------------------------------------------

  newCallbackQuery(userId: number): { id: string; answered: Promise<void> } {
    const id = `${this.bot.id}${String(++this.callbackSeq).padStart(6, "0")}`;
    let wake = () => undefined as void;
    const answered = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.callbacks.set(id, { id, userId, answered: false, wake });
    return { id, answered };
  }

  callbackAnswers(userId: number): Array<{ text?: string; show_alert?: boolean; url?: string }> {
    return clone(this.callbackAnswerLog.get(userId) ?? []);
  }

  // --- Sending helpers -------------------------------------------------------------------------------

  private requireChat(p: Params, name = "chat_id"): ChatState {
    const raw = p[name];
    if (raw === undefined || raw === null || raw === "") throw badRequest(`${name} is empty`);
    const id = typeof raw === "string" && !/^-?\d+$/.test(raw) ? undefined : optInt(p, name);
    const chat = id === undefined ? undefined : this.chats.get(id);
    if (!chat) throw badRequest("chat not found");
    return chat;
  }

  private formatText(p: Params, textName: "text" | "caption"): { text: string; entities: TelegramEntity[]; html?: string } {
    const raw = optStr(p, textName) ?? "";
    const parseMode = (optStr(p, "parse_mode") ?? "").toLowerCase();
    let text = raw;
    let entities: TelegramEntity[] = [];
    let html: string | undefined;
    if (parseMode === "html") {
      const parsed = parseTelegramHtml(raw);
      if (!parsed.ok) throw badRequest(`can't parse entities: ${parsed.error}`);
      text = parsed.text;
      entities = parsed.entities;
      html = raw;
    } else if (parseMode !== "" && parseMode !== "markdown" && parseMode !== "markdownv2") {
      throw badRequest("unsupported parse_mode");
    } else if (parseMode === "") {
      const entityName = textName === "text" ? "entities" : "caption_entities";
      const given = optJson(p, entityName, "can't parse entities JSON object");
      if (given !== undefined) entities = parseEntityList(given);
    }
    const trimmed = trimFormatted(text, entities);
    if (textName === "text") {
      if (trimmed.text.length === 0) throw badRequest("message text is empty");
      if (trimmed.text.length > 4096) throw badRequest("message is too long");
    } else if (trimmed.text.length > 1024) {
      throw badRequest("message caption is too long");
    }
    return html !== undefined ? { ...trimmed, html } : trimmed;
  }

  /** Validates reply_markup; returns the inline markup to store, and applies reply keyboards to the chat. */
  private replyMarkup(p: Params, chat: ChatState | undefined, inlineOnly: boolean): Json | undefined {
    const markup = optJson(p, "reply_markup", "can't parse reply keyboard markup JSON object");
    if (markup === undefined) return undefined;
    if (!isRecord(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
    if ("inline_keyboard" in markup) return { inline_keyboard: validateInlineKeyboard(markup.inline_keyboard) };
    if (inlineOnly) throw badRequest("inline keyboard expected");
    if ("keyboard" in markup) {
      const rows = markup.keyboard;
      if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
        throw badRequest('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays');
      }
      const labels = (rows as unknown[][]).map((row) =>
        row.map((b) => {
          if (typeof b === "string") return b;
          if (isRecord(b) && typeof b.text === "string") return b.text;
          throw badRequest("can't parse keyboard button: Field \"text\" must be of type String");
        }),
      );
      if (chat) chat.replyKeyboard = labels;
      return undefined;
    }
    if (markup.remove_keyboard === true) {
      if (chat) chat.replyKeyboard = [];
      return undefined;
    }
    if (markup.force_reply === true) return undefined;
    throw badRequest("can't parse reply keyboard markup JSON object");
  }

  private botMessage(chat: ChatState, fields: Omit<StoredMessage, "id" | "chatId" | "date" | "deleted" | "from">): Json {
    const message = this.addMessage(chat, { from: "bot", ...fields });
    return this.messageJson(message);
  }

  private validateStarsInvoice(p: Params): InvoiceData {
    const title = optStr(p, "title") ?? "";
    const description = optStr(p, "description") ?? "";
    const payload = optStr(p, "payload") ?? "";
    const currency = optStr(p, "currency") ?? "";
    const providerToken = optStr(p, "provider_token") ?? "";
    const chars = (s: string) => [...s].length;
    if (chars(title) < 1 || chars(title) > 32) throw badRequest("INVOICE_TITLE_INVALID");
    if (chars(description) < 1 || chars(description) > 255) throw badRequest("INVOICE_DESCRIPTION_INVALID");
    if (utf8Length(payload) < 1 || utf8Length(payload) > 128) throw badRequest("INVOICE_PAYLOAD_INVALID");
    if (currency !== "XTR") {
      // Only Stars are modelled: any other currency needs a payment provider the fake does not have.
      throw badRequest(providerToken === "" ? "PAYMENT_PROVIDER_INVALID" : "CURRENCY_INVALID");
    }
    if (providerToken !== "") throw badRequest("STARS_INVOICE_INVALID");
    const prices = optJson(p, "prices", "can't parse prices JSON object");
    if (!Array.isArray(prices) || prices.length === 0) throw badRequest("prices must be non-empty");
    if (prices.length !== 1) throw badRequest("STARS_INVOICE_INVALID");
    const price: unknown = prices[0];
    if (!isRecord(price) || typeof price.label !== "string") throw badRequest("can't parse LabeledPrice: Field \"label\" must be of type String");
    const amount = price.amount;
    if (typeof amount !== "number" || !Number.isInteger(amount) || amount <= 0) throw badRequest("CURRENCY_TOTAL_AMOUNT_INVALID");
    const tips = optInt(p, "max_tip_amount");
    const stripeOnly = ["need_name", "need_phone_number", "need_email", "need_shipping_address", "is_flexible", "send_phone_number_to_provider", "send_email_to_provider"];
    if ((tips !== undefined && tips > 0) || p.suggested_tip_amounts !== undefined || stripeOnly.some((k) => optBool(p, k) === true)) {
      throw badRequest("STARS_INVOICE_INVALID");
    }
    return { title, description, payload, currency, amount, startParameter: optStr(p, "start_parameter") ?? "" };
  }

  // --- Methods ---------------------------------------------------------------------------------------

  private registerMethods(): void {
    const def = (name: string, fn: Handler) => this.methods.set(name.toLowerCase(), { name, fn });

    def("getMe", () => ({
      ...this.bot,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    }));

    def("getUpdates", (p, { res }) => this.getUpdates(p, res));

    def("setWebhook", (p) => {
      const url = optStr(p, "url") ?? "";
      if (url === "") {
        this.webhookInfo = undefined;
        return true;
      }
      if (!/^https:\/\/\S+$/i.test(url)) throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
      const allowed = optJson(p, "allowed_updates", "can't parse allowed_updates JSON object");
      const secret = optStr(p, "secret_token");
      if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw badRequest("secret token contains unallowed characters");
      this.webhookInfo = {
        url,
        ...(secret !== undefined ? { secret_token: secret } : {}),
        ...(Array.isArray(allowed) ? { allowed_updates: allowed.map(String) } : {}),
        ...(optInt(p, "max_connections") !== undefined ? { max_connections: optInt(p, "max_connections") } : {}),
      };
      if (optBool(p, "drop_pending_updates") === true) this.queue = [];
      setImmediate(() => this.pumpWebhook());
      return true;
    });

    def("deleteWebhook", (p) => {
      this.webhookInfo = undefined;
      if (optBool(p, "drop_pending_updates") === true) this.queue = [];
      return true;
    });

    def("getWebhookInfo", () => ({
      url: this.webhookInfo?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
      ...(this.webhookInfo?.max_connections !== undefined ? { max_connections: this.webhookInfo.max_connections } : {}),
      ...(this.webhookInfo?.allowed_updates ? { allowed_updates: this.webhookInfo.allowed_updates } : {}),
    }));

    def("setMyCommands", (p) => {
      const commands = optJson(p, "commands", "can't parse commands JSON object");
      if (!Array.isArray(commands)) throw badRequest("commands must be an Array");
      if (commands.length > 100) throw badRequest("too many commands specified");
      const list = commands.map((c: unknown) => {
        if (!isRecord(c) || typeof c.command !== "string" || typeof c.description !== "string") {
          throw badRequest("can't parse BotCommand: Field \"command\" must be of type String");
        }
        if (!/^[a-z0-9_]{1,32}$/.test(c.command)) throw badRequest("BOT_COMMAND_INVALID");
        if ([...c.description].length < 1 || [...c.description].length > 256) throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
        return { command: c.command, description: c.description };
      });
      const scope = this.scopeParam(p);
      // A chat scope for a chat the bot has never seen is refused, as Telegram does.
      if (isRecord(scope) && typeof scope.chat_id === "number" && !this.chats.has(scope.chat_id)) throw badRequest("chat not found");
      this.commandSets.set(commandKey(scope, optStr(p, "language_code")), list);
      return true;
    });

    // The bot's description and short description ("What can this bot do?"), per language.
    for (const [kind, limit] of [["Description", 512], ["ShortDescription", 120]] as const) {
      const field = kind === "Description" ? "description" : "short_description";
      def(`setMy${kind}`, (p) => {
        const text = optStr(p, field) ?? "";
        if ([...text].length > limit) throw badRequest(`${field.toUpperCase()}_INVALID`);
        this.profileTexts.set(`${field}:${optStr(p, "language_code") ?? ""}`, text);
        return true;
      });
      def(`getMy${kind}`, (p) => ({ [field]: this.profileTexts.get(`${field}:${optStr(p, "language_code") ?? ""}`) ?? "" }));
    }

    def("getMyCommands", (p) => clone(this.commandSets.get(commandKey(this.scopeParam(p), optStr(p, "language_code"))) ?? []));

    def("deleteMyCommands", (p) => {
      this.commandSets.delete(commandKey(this.scopeParam(p), optStr(p, "language_code")));
      return true;
    });

    def("setChatMenuButton", (p) => {
      const chatId = optInt(p, "chat_id");
      if (chatId !== undefined && !this.chats.has(chatId)) throw badRequest("chat not found");
      const menuButton = optJson(p, "menu_button", "can't parse menu button JSON object") ?? { type: "default" };
      this.menuButtonLog.push({ ...(chatId !== undefined ? { chatId } : {}), menuButton });
      return true;
    });

    def("getChatMenuButton", (p) => {
      const chatId = optInt(p, "chat_id");
      const found = [...this.menuButtonLog].reverse().find((m) => m.chatId === chatId);
      return clone(found?.menuButton ?? { type: "commands" });
    });

    def("sendMessage", (p) => {
      const chat = this.requireChat(p);
      const formatted = this.formatText(p, "text");
      const markup = this.replyMarkup(p, undefined, false);
      if (chat.blocked) throw BLOCKED();
      this.replyMarkup(p, chat, false); // applies a reply keyboard only once the message is really sent
      return this.botMessage(chat, { ...formatted, ...(markup ? { markup } : {}) });
    });

    def("editMessageText", (p) => {
      const { chat, message } = this.editTarget(p);
      if (message.document || message.photo || message.invoice || message.text === undefined) throw badRequest("there is no text in the message to edit");
      const formatted = this.formatText(p, "text");
      const markup = this.replyMarkup(p, undefined, true);
      if (chat.blocked) throw BLOCKED();
      const same =
        formatted.text === message.text &&
        canonical(formatted.entities) === canonical(message.entities) &&
        canonical(markup) === canonical(message.markup);
      if (same) {
        throw badRequest(
          "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
        );
      }
      message.text = formatted.text;
      message.entities = formatted.entities;
      if (formatted.html !== undefined) message.html = formatted.html;
      else delete message.html;
      // Editing the text without reply_markup removes the inline keyboard, as in Telegram.
      if (markup) message.markup = markup;
      else delete message.markup;
      message.editDate = this.unixNow();
      this.changed();
      return this.messageJson(message);
    });

    def("editMessageReplyMarkup", (p) => {
      const { chat, message } = this.editTarget(p);
      const markup = this.replyMarkup(p, undefined, true);
      if (chat.blocked) throw BLOCKED();
      if (canonical(markup) === canonical(message.markup)) {
        throw badRequest(
          "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
        );
      }
      if (markup) message.markup = markup;
      else delete message.markup;
      message.editDate = this.unixNow();
      this.changed();
      return this.messageJson(message);
    });

    def("deleteMessage", (p) => {
      const chat = this.requireChat(p);
      const id = optInt(p, "message_id");
      const message = id === undefined ? undefined : this.findMessage(chat, id);
      if (!message) throw badRequest("message to delete not found");
      message.deleted = true;
      this.changed();
      return true;
    });

    def("answerCallbackQuery", (p) => {
      const id = optStr(p, "callback_query_id") ?? "";
      const pending = this.callbacks.get(id);
      if (!pending || pending.answered) throw CALLBACK_INVALID();
      pending.answered = true;
      const answer = {
        ...(optStr(p, "text") !== undefined ? { text: optStr(p, "text") } : {}),
        ...(optBool(p, "show_alert") !== undefined ? { show_alert: optBool(p, "show_alert") } : {}),
        ...(optStr(p, "url") !== undefined ? { url: optStr(p, "url") } : {}),
      };
      const log = this.callbackAnswerLog.get(pending.userId) ?? [];
      log.push(answer);
      this.callbackAnswerLog.set(pending.userId, log);
      pending.wake();
      return true;
    });

    def("sendChatAction", (p) => {
      const chat = this.requireChat(p);
      if (!CHAT_ACTIONS.has(optStr(p, "action") ?? "")) throw badRequest("wrong parameter action in request");
      if (chat.blocked) throw BLOCKED();
      return true;
    });

    def("sendDocument", (p, { files }) => {
      const chat = this.requireChat(p);
      const document = this.documentParam(p, files);
      const formatted = this.formatText(p, "caption");
      const markup = this.replyMarkup(p, undefined, false);
      if (chat.blocked) throw BLOCKED();
      this.replyMarkup(p, chat, false);
      return this.botMessage(chat, { ...formatted, document, ...(markup ? { markup } : {}) });
    });

    def("sendPhoto", (p, { files }) => {
      const chat = this.requireChat(p);
      const photo = this.photoParam(p, files);
      const formatted = this.formatText(p, "caption");
      const markup = this.replyMarkup(p, undefined, false);
      if (chat.blocked) throw BLOCKED();
      this.replyMarkup(p, chat, false);
      return this.botMessage(chat, { ...formatted, photo, ...(markup ? { markup } : {}) });
    });

    def("copyMessage", (p) => {
      const chat = this.requireChat(p);
      const source = this.requireChat(p, "from_chat_id");
      const id = optInt(p, "message_id");
      const original = id === undefined ? undefined : this.findMessage(source, id);
      if (!original) throw badRequest("message to copy not found");
      if (original.raw && typeof original.raw.text !== "string") throw badRequest("message can't be copied");
      let content: { text?: string; entities: TelegramEntity[]; html?: string } = {
        ...(original.text !== undefined ? { text: original.text } : {}),
        entities: clone(original.entities),
        ...(original.html !== undefined ? { html: original.html } : {}),
      };
      if (original.document && p.caption !== undefined) content = this.formatText(p, "caption");
      const markup = this.replyMarkup(p, undefined, false);
      if (chat.blocked) throw BLOCKED();
      this.replyMarkup(p, chat, false);
      const copy = this.addMessage(chat, {
        from: "bot",
        ...content,
        ...(original.document ? { document: original.document } : {}),
        ...(original.invoice ? { invoice: { ...original.invoice } } : {}),
        ...(markup ? { markup } : {}),
      });
      return { message_id: copy.id };
    });

    def("sendInvoice", (p) => {
      const chat = this.requireChat(p);
      const invoice = this.validateStarsInvoice(p);
      const markup = this.replyMarkup(p, undefined, true);
      if (chat.blocked) throw BLOCKED();
      return this.botMessage(chat, { entities: [], invoice, ...(markup ? { markup } : {}) });
    });

    def("createInvoiceLink", (p) => {
      const invoice = this.validateStarsInvoice(p);
      const slug = randomId(12);
      this.invoiceLinks.set(slug, invoice);
      return `https://t.me/$${slug}`;
    });

    def("answerPreCheckoutQuery", (p) => {
      const id = optStr(p, "pre_checkout_query_id") ?? "";
      const pending = this.preCheckouts.get(id);
      if (!pending || pending.answered || pending.expired) throw badRequest("QUERY_ID_INVALID");
      const ok = optBool(p, "ok");
      if (ok === undefined) throw badRequest("parameter \"ok\" is required");
      const errorMessage = optStr(p, "error_message");
      if (!ok && (errorMessage === undefined || errorMessage.length === 0)) throw badRequest("ERROR_MESSAGE_EMPTY");
      pending.answered = true;
      pending.wake(ok ? { ok } : { ok, errorMessage: errorMessage ?? "" });
      return true;
    });

    def("refundStarPayment", (p) => {
      const userId = optInt(p, "user_id");
      if (userId === undefined || !this.chats.has(userId)) throw badRequest("invalid user_id specified");
      const chargeId = optStr(p, "telegram_payment_charge_id") ?? "";
      const charge = this.charges.get(chargeId);
      if (!charge || charge.userId !== userId) throw badRequest("CHARGE_NOT_FOUND");
      if (charge.refunded) throw badRequest("CHARGE_ALREADY_REFUNDED");
      charge.refunded = true;
      this.refundLog.push({ userId, chargeId, amount: charge.amount, at: this.now() });
      this.transactions.push({
        id: chargeId,
        amount: charge.amount,
        date: this.unixNow(),
        receiver: { type: "user", transaction_type: "invoice_payment", user: this.chat(userId).user, invoice_payload: charge.payload },
      });
      return true;
    });

    def("getStarTransactions", (p) => {
      const offset = Math.max(0, optInt(p, "offset") ?? 0);
      const limit = Math.min(100, Math.max(1, optInt(p, "limit") ?? 100));
      return { transactions: clone(this.transactions.slice(offset, offset + limit)) };
    });
  }

  private scopeParam(p: Params): unknown {
    return optJson(p, "scope", "can't parse BotCommandScope JSON object");
  }

  private editTarget(p: Params): { chat: ChatState; message: StoredMessage } {
    if (p.inline_message_id !== undefined) throw badRequest("inline messages are not supported by the fake");
    const chat = this.requireChat(p);
    const id = optInt(p, "message_id");
    const message = id === undefined ? undefined : this.findMessage(chat, id);
    if (!message) throw badRequest("message to edit not found");
    if (message.from !== "bot") throw badRequest("message can't be edited");
    return { chat, message };
  }

  /** An uploaded photo: only PNG and JPEG are read here (Telegram takes more); its size comes from the image. */
  private photoParam(p: Params, files: Map<string, UploadedFile>): StoredFile & { width: number; height: number } {
    const value = p.photo;
    const upload = typeof value === "string" && value.startsWith("attach://") ? files.get(value.slice("attach://".length)) : files.get("photo");
    if (!upload || upload.content.length === 0) throw badRequest("there is no photo in the request");
    const size = imageSize(upload.content);
    if (!size) throw badRequest("IMAGE_PROCESS_FAILED");
    const stored = { fileId: `AgACAgI${randomId(24)}`, fileUniqueId: `AQAD${randomId(8)}`, fileName: upload.fileName, mimeType: mimeTypeFor(upload.fileName), content: upload.content, ...size };
    this.files.set(stored.fileId, stored);
    return stored;
  }

  private documentParam(p: Params, files: Map<string, UploadedFile>): StoredFile {
    const value = p.document;
    let upload: UploadedFile | undefined;
    if (typeof value === "string" && value.startsWith("attach://")) {
      upload = files.get(value.slice("attach://".length));
      if (!upload) throw badRequest(`file "${value.slice("attach://".length)}" must be uploaded as a multipart part`);
    } else if (value === undefined && files.has("document")) {
      upload = files.get("document");
    } else if (typeof value === "string" && value.length > 0) {
      const known = this.files.get(value);
      if (known) return known;
      const url = /^https?:\/\/\S+$/i.test(value) ? value : undefined;
      if (!url) throw badRequest("wrong file identifier/HTTP URL specified");
      upload = { fileName: url.split("/").pop() || "file", contentType: "application/octet-stream", content: Buffer.alloc(0) };
    }
    if (!upload) throw badRequest("there is no document in the request");
    if (upload.content.length === 0 && !(typeof value === "string" && /^https?:/i.test(value))) throw badRequest("file must be non-empty");
    const stored: StoredFile = {
      fileId: `BQACAgI${randomId(24)}`,
      fileUniqueId: `AgAD${randomId(8)}`,
      fileName: upload.fileName,
      mimeType: mimeTypeFor(upload.fileName),
      content: upload.content,
    };
    this.files.set(stored.fileId, stored);
    return stored;
  }
}

function commandKey(scope: unknown, languageCode: string | undefined): string {
  const normalized = isRecord(scope) ? scope : { type: "default" };
  return `${canonical(normalized)}|${languageCode ?? ""}`;
}

function parseEntityList(value: unknown): TelegramEntity[] {
  if (!Array.isArray(value)) throw badRequest("can't parse entities JSON object");
  return value.map((e: unknown) => {
    if (!isRecord(e) || typeof e.type !== "string" || typeof e.offset !== "number" || typeof e.length !== "number") {
      throw badRequest("can't parse MessageEntity: Field \"type\" must be of type String");
    }
    return clone(e) as unknown as TelegramEntity;
  });
}

function validateInlineKeyboard(value: unknown): InlineButton[][] {
  if (!Array.isArray(value) || !value.every(Array.isArray)) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  }
  const rows = value as unknown[][];
  if (rows.reduce((n, row) => n + row.length, 0) > 100) throw badRequest("reply markup is too long");
  return rows.map((row) =>
    row.map((button) => {
      if (!isRecord(button)) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
      if (typeof button.text !== "string") throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
      if (button.text.trim().length === 0) throw badRequest("BUTTON_TEXT_INVALID");
      const actions = BUTTON_ACTIONS.filter((k) => button[k] !== undefined);
      if (actions.length === 0) throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      if (button.callback_data !== undefined) {
        const data = button.callback_data;
        if (typeof data !== "string" || utf8Length(data) < 1 || utf8Length(data) > 64) throw badRequest("BUTTON_DATA_INVALID");
      }
      if (button.url !== undefined) {
        const url = button.url;
        if (typeof url !== "string" || !/^(https?|tg):\/\/\S+$/i.test(url)) {
          throw badRequest(`inline keyboard button URL '${String(url)}' is invalid: Wrong HTTP URL`);
        }
      }
      return clone(button) as InlineButton;
    }),
  );
}

function inlineKeyboardOf(m: StoredMessage): InlineButton[][] {
  const keyboard = m.markup?.inline_keyboard ?? (isRecord(m.raw?.reply_markup) ? m.raw.reply_markup.inline_keyboard : undefined);
  return Array.isArray(keyboard) ? (keyboard as InlineButton[][]) : [];
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendFailure(res: ServerResponse, failure: ApiFailure): void {
  const status = failure.errorCode >= 400 && failure.errorCode <= 599 ? failure.errorCode : 400;
  sendJson(res, status, {
    ok: false,
    error_code: failure.errorCode,
    description: failure.description,
    ...(failure.retryAfter !== undefined ? { parameters: { retry_after: failure.retryAfter } } : {}),
  });
}

// ---------------------------------------------------------------------------------------------------
// The simulated user

class SimulatedUser implements FakeUser {
  readonly chatId: number;
  private lastPayment: (Json & { update_id: number }) | undefined;

  constructor(
    private readonly tg: FakeTelegramServer,
    readonly id: number,
    readonly profile: TelegramUser,
  ) {
    this.chatId = id;
  }

  private chat(): ChatState {
    return this.tg.chat(this.chatId);
  }

  private assertNotBlocked(action: string): void {
    if (this.chat().blocked) throw new Error(`FakeUser ${this.id} cannot ${action}: they blocked the bot (call unblockBot() first)`);
  }

  async send(text: string, options: UserActionOptions = {}): Promise<void> {
    this.assertNotBlocked("send a message");
    const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
    const content: Json = { text };
    if (command) content.entities = [{ type: "bot_command", offset: 0, length: command[0].length }];
    const message = this.tg.addUserMessage(this.chatId, content);
    const since = this.tg.callCount();
    this.tg.pushUpdate({ message: this.tg.messageJson(message) });
    if (options.wait === false) return;
    await this.tg.waitForChatCall(this.chatId, since, options.replyTimeoutMs ?? 3000);
    await this.tg.settle();
  }

  async replyTo(messageId: number, text: string, options: UserActionOptions = {}): Promise<void> {
    this.assertNotBlocked("send a message");
    const original = this.chat().messages.find((m) => m.id === messageId && !m.deleted);
    if (!original) throw new Error(`FakeUser.replyTo: no message ${messageId} in chat ${this.chatId}`);
    const message = this.tg.addUserMessage(this.chatId, { text, reply_to_message: this.tg.messageJson(original) });
    const since = this.tg.callCount();
    this.tg.pushUpdate({ message: this.tg.messageJson(message) });
    if (options.wait === false) return;
    await this.tg.waitForChatCall(this.chatId, since, options.replyTimeoutMs ?? 3000);
    await this.tg.settle();
  }

  async press(label: string | RegExp, options: UserActionOptions = {}): Promise<void> {
    this.assertNotBlocked("press a button");
    const matches = (text: string) => (typeof label === "string" ? text === label : label.test(text));
    const botMessages = this.chat().messages.filter((m) => m.from === "bot" && !m.deleted);
    for (const message of [...botMessages].reverse()) {
      const button = inlineKeyboardOf(message).flat().find((b) => matches(b.text));
      if (!button) continue;
      if (button.callback_data === undefined) {
        const kind = button.url !== undefined ? `a URL button (${button.url})` : button.pay ? "a Pay button (use pay())" : "not a callback button";
        throw new Error(`FakeUser.press: button "${button.text}" on message ${message.id} is ${kind}: pressing it sends nothing to the bot`);
      }
      return this.callback(message, button.callback_data, options);
    }
    const visible = [...botMessages]
      .reverse()
      .filter((m) => inlineKeyboardOf(m).length > 0)
      .map((m) => `  message ${m.id}: ${inlineKeyboardOf(m).map((row) => row.map((b) => `[${b.text}]`).join(" ")).join(" / ")}`);
    throw new Error(
      `FakeUser.press: no inline button ${typeof label === "string" ? JSON.stringify(label) : String(label)} in chat ${this.chatId}. ` +
        (visible.length > 0 ? `Visible buttons (newest first):\n${visible.join("\n")}` : "The bot's messages have no inline buttons."),
    );
  }

  async pressData(data: string, messageId?: number, options: UserActionOptions = {}): Promise<void> {
    this.assertNotBlocked("press a button");
    const botMessages = this.chat().messages.filter((m) => m.from === "bot" && !m.deleted);
    const message = messageId === undefined ? botMessages[botMessages.length - 1] : botMessages.find((m) => m.id === messageId);
    if (!message) throw new Error(`FakeUser.pressData: no bot message ${messageId ?? "at all"} in chat ${this.chatId}`);
    return this.callback(message, data, options);
  }

  private async callback(message: StoredMessage, data: string, options: UserActionOptions): Promise<void> {
    const query = this.tg.newCallbackQuery(this.id);
    this.tg.pushUpdate({
      callback_query: {
        id: query.id,
        from: this.profile,
        message: this.tg.messageJson(message),
        chat_instance: `${this.tg.bot.id}${this.chatId}`,
        data,
      },
    });
    if (options.wait === false) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([query.answered, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
    await this.tg.settle();
  }

  messages(): ChatMessage[] {
    return this.chat()
      .messages.filter((m) => !m.deleted)
      .map((m) => this.tg.view(m));
  }

  botMessages(): ChatMessage[] {
    return this.messages().filter((m) => m.from === "bot");
  }

  lastBotMessage(): ChatMessage | undefined {
    const all = this.botMessages();
    return all[all.length - 1];
  }

  buttons(): string[][] {
    const withButtons = this.botMessages().filter((m) => m.buttons.length > 0);
    return withButtons[withButtons.length - 1]?.buttons ?? [];
  }

  replyKeyboard(): string[][] {
    return clone(this.chat().replyKeyboard);
  }

  text(): string {
    return this.botMessages()
      .map((m) => m.text)
      .join("\n");
  }

  async waitForMessage(match: string | RegExp, timeoutMs = 5000): Promise<ChatMessage> {
    const test = (text: string) => (typeof match === "string" ? text.includes(match) : match.test(text));
    let found: ChatMessage | undefined;
    const ok = await this.tg.onChange(() => {
      found = this.botMessages().find((m) => test(m.text));
      return found !== undefined;
    }, timeoutMs);
    if (!ok || !found) {
      const recent = this.botMessages()
        .slice(-5)
        .map((m) => `  ${m.id}: ${JSON.stringify(m.text.slice(0, 200))}`)
        .join("\n");
      throw new Error(
        `FakeUser.waitForMessage: no bot message matching ${String(match)} within ${timeoutMs} ms in chat ${this.chatId}. ` +
          (recent ? `Latest bot messages:\n${recent}` : "The bot sent nothing."),
      );
    }
    return found;
  }

  async pay(
    target?: ChatMessage | number | string,
    options: { telegramChargeId?: string; timeoutMs?: number } = {},
  ): Promise<PayResult> {
    this.assertNotBlocked("pay");
    const invoice = this.tg.findInvoice(this.chatId, target);
    const query = this.tg.newPreCheckout();
    this.tg.pushUpdate({
      pre_checkout_query: {
        id: query.id,
        from: this.profile,
        currency: invoice.currency,
        total_amount: invoice.amount,
        invoice_payload: invoice.payload,
      },
    });
    // Telegram gives the bot 10 seconds to answer.
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      query.answer,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), options.timeoutMs ?? 10_000))),
    ]);
    clearTimeout(timer);
    if (!answer) {
      query.expire();
      await this.tg.settle();
      return { preCheckoutOk: false, errorMessage: "the bot did not answer the pre_checkout_query in time" };
    }
    if (!answer.ok) {
      await this.tg.settle();
      return { preCheckoutOk: false, errorMessage: answer.errorMessage ?? "" };
    }
    const chargeId = options.telegramChargeId ?? this.tg.newChargeId();
    this.tg.addStarTransaction({ userId: this.id, amount: invoice.amount, payload: invoice.payload, chargeId });
    const message = this.tg.addUserMessage(this.chatId, {
      successful_payment: {
        currency: invoice.currency,
        total_amount: invoice.amount,
        invoice_payload: invoice.payload,
        telegram_payment_charge_id: chargeId,
        provider_payment_charge_id: this.tg.newProviderChargeId(this.id),
      },
    });
    const update = { message: this.tg.messageJson(message) };
    const updateId = this.tg.pushUpdate(update);
    this.lastPayment = { update_id: updateId, ...update };
    await this.tg.settle();
    return { preCheckoutOk: true, chargeId };
  }

  lastSuccessfulPaymentUpdate(): (Json & { update_id: number }) | undefined {
    return this.lastPayment ? clone(this.lastPayment) : undefined;
  }

  callbackAnswers(): Array<{ text?: string; show_alert?: boolean; url?: string }> {
    return this.tg.callbackAnswers(this.id);
  }

  blockBot(options?: { notify?: boolean }): void {
    this.tg.blockBot(this.id, options);
  }

  unblockBot(options?: { notify?: boolean }): void {
    this.tg.unblockBot(this.id, options);
  }
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const fake = new FakeTelegramServer(options);
  await fake.listen();
  return fake;
}
