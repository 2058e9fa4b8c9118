## Texts the bot shows in English. Messages are HTML: placeholders that carry user input are escaped by the code.

start-welcome =
    👋 Hello, { $name }!

    Here you can get a phone number to receive a verification SMS from a service such as Telegram, WhatsApp or Google. You pay only for numbers that receive a code.
start-welcome-back =
    👋 Welcome back, { $name }!

terms-summary =
    <b>Before your first purchase, please read the main rules:</b>

    • A number bought for a service receives SMS from that service only. It works for { $ttl ->
        [one] { $ttl } minute
       *[other] { $ttl } minutes
    }, and every SMS that arrives in that time is shown to you.
    • If no code arrives, or you cancel before one arrives, the full price goes back to your balance automatically.
    • Once a code has been shown, the number is delivered and is not refunded, even if the service later blocks the account you made with it.
    • If a number does not suit you (for example, it is already used on the service), press “Cancel” or “Number already used” before a code arrives and you get your money back.
    • Many cancellations in a short time can pause buying for a while.
    • Your payments and purchases stay in your history; you can read it at any time, and it cannot be deleted.
    • We may send you news and offers; you can turn them off in Settings at any time.

    Full rules: /rules
terms-ask = Do you accept these rules?
terms-accept-button = ✅ I accept the rules
terms-accepted = ✅ Thank you! You can now top up your balance and buy numbers.
terms-required = Please accept the rules first: it takes a minute. /start

menu-title =
    <b>Main menu</b>
    Balance: <b>{ $balance }</b>

    What would you like to do?
menu-buy = 🛒 Buy a number
menu-rent = 📅 Rent a number
menu-topup = 💳 Top up
menu-balance = 💰 Balance
menu-history = 📜 History
menu-settings = ⚙️ Settings
menu-help = ❓ Help
menu-back = ⬅️ Main menu

coming-soon = { $feature }: this is not available yet. We are working on it — thank you for your patience.

balance-text =
    💰 <b>Your balance</b>

    Available: <b>{ $available }</b>
balance-held = Reserved for numbers in progress: { $held }
balance-frozen = ❄️ Your balance is frozen.

help-text =
    <b>How it works</b>

    1. Top up your balance.
    2. Choose a service (Telegram, WhatsApp, Google…) and a country.
    3. You get a phone number. Enter it in the service and ask it for a code.
    4. The SMS appears here in the chat. No code — no charge: cancel, or wait until the number expires, and the money goes back to your balance.

    Tip: type a service's name (for example <i>whatsapp</i>) at any time to buy its number.

    <b>Commands</b>
    /menu — main menu
    /buy — buy a number (<code>/buy whatsapp</code> goes straight to WhatsApp)
    /orders — my numbers{ $active ->
        [0] {""}
        [one] : { $active } active now
       *[other] : { $active } active now
    }
    /rent — rent a number for days
    /topup — top up your balance
    /balance — your balance
    /history — your payments and purchases
    /settings — language and news
    /rules — the rules of the service
    /paysupport — help with a payment
    /refundrequest — money back to your payment method
    /cancel — leave the current step

rules-text =
    📜 <b>Rules of the service</b>

    <b>Balance</b>
    • Money on your balance does not expire. It is lost only if you delete your account yourself, if the account is blocked at the request of law enforcement (the balance is then frozen), or if the account is not used for more than 9 months (we warn you 30 and 7 days before).
    • A purchase is paid from the balance at the moment you buy it.
    • Your history of payments and purchases is kept and cannot be deleted.

    <b>One-time numbers</b>
    • A number receives SMS only from the service you bought it for, for { $ttl ->
        [one] { $ttl } minute
       *[other] { $ttl } minutes
    }.
    • No code before the time is up, or you cancel before a code: the full price returns to your balance automatically.
    • “Cancel” or “Number already used” (the number is already used or blocked on the service) before a code: money back.
    • After a code has been shown, the number counts as delivered: no refund, also if the service later blocks the account.
    • If no SMS arrives within 5 minutes we remind you that you can cancel for free. Many cancellations without a code in a short time pause buying for a while.
    • Operations made through your own faulty software are not refunded.

    <b>Rented numbers</b>
    • If a rented number does not work for more than 24 hours, the days it was unavailable are refunded to your balance, counted from when you told us.
    • Money also returns to your balance if the carrier disconnects the number through no fault of yours, or if we cannot provide the number you paid for.
    • No refund if you end a rental early of your own will while the number worked, if you refuse identity documents that a number requires (shown before you order), or because caller ID does not work.

    <b>Refunds to your payment method</b>
    • Possible when a paid number could not be provided although it was listed as available, or when a number stopped working through the carrier's fault and no replacement from the same country can be given.
    • Not possible for money left unused, for accidental top-ups, for a change of mind, or when the service was misused.
    • Only for events of the last month. Send a request with the service, amount, reason and refund details; we answer within 2 working days.

    <b>Not allowed</b>
    • Illegal use, fraud, paid subscriptions, exploiting security flaws.
    • Banks, Qiwi and WebMoney are not offered, and there are no numbers of, or service in, Iran, Sudan, North Korea, Syria, Cuba and Crimea.
    • Card details never pass through this bot: payments go through Telegram.

paysupport-text =
    💬 <b>Help with a payment</b>

    Payments are made through Telegram. If something went wrong with a payment, send one message that starts with /paysupport and describes the problem, for example:
    <code>/paysupport I paid 100 Stars at 14:05 but my balance did not change</code>

    Please include the date and the amount. Our team answers here in the chat.
paysupport-sent = ✅ Your message has been passed to our team. We will answer here.
paysupport-unavailable = Sorry, support cannot be reached from the bot right now. Please try again later.
paysupport-admin-notice =
    💬 <b>Payment support request</b>
    From: { $user } (id <code>{ $telegramId }</code>, account #{ $accountId })

    { $text }

    <i>Reply to this message to answer, or send /reply #{ $accountId } text.</i>

account-blocked =
    ⛔ Your account is blocked.
    Reason: { $reason }
    While it is blocked you cannot buy numbers or top up. If you think this is a mistake, write <code>/paysupport</code> and your message in one line.
support-blocked-how = Write your message in the same line as the command, for example: <code>/paysupport I was charged twice for one payment</code>. It reaches the team, and the answer comes here.
account-blocked-short = ⛔ Your account is blocked.
precheckout-blocked = Your account is blocked, so the payment cannot be accepted.

error-generic = 😕 Something went wrong on our side. Please try again in a moment; your balance is safe.
button-expired = This button is no longer active. Open /menu to continue.

settings-title =
    ⚙️ <b>Settings</b>

    Language: { $language }
    News and offers: { $news }
settings-news-on = on
settings-news-off = off
settings-language-button = 🌐 Language: { $language }
settings-news-turn-off = 🔕 Turn off news
settings-news-turn-on = 🔔 Turn on news
settings-language-choose = Choose your language:
settings-language-set = ✅ Language: English
settings-news-updated = ✅ Saved.
language-name-en = English
language-name-ru = Русский

cmd-start = Start and main menu
cmd-menu = Main menu
cmd-buy = Buy a number
cmd-rent = Rent a number
cmd-topup = Top up the balance
cmd-balance = Your balance
cmd-history = Payments and purchases
cmd-settings = Language and news
cmd-help = How it works
cmd-rules = Rules of the service
cmd-paysupport = Help with a payment
cmd-cancel = Leave the current step

cancel-nothing = There is nothing to cancel. /menu

provider-balance-low = ⚠️ The balance at { $provider } is low: { $balance } (alert threshold { $threshold }). Top it up so that purchases do not fail.
provider-balance-exhausted = 🛑 The balance at { $provider } has run out ({ $balance }). Purchases will fail until it is topped up.
provider-balance-recovered = ✅ The balance at { $provider } is back above the threshold: { $balance }.

topup-title =
    💳 <b>Top up your balance</b>

    You pay with Telegram Stars. Choose an amount — the button shows what you will receive:
topup-button = { $stars } ⭐ → { $amount }
topup-custom-button = ✏️ Another amount
topup-ask-amount = How many Stars would you like to pay? Send a whole number from { $min } to { $max }. Send /cancel to stop.
topup-not-whole = Please send a whole number of Stars, for example 150 — from { $min } to { $max }.
topup-too-small = The smallest top-up is { $min } ⭐. Please send a larger number.
topup-too-large = The largest top-up is { $max } ⭐. Please send a smaller number.
topup-invoice-title = Balance top-up
topup-invoice-description = { $amount } will be added to your balance.
topup-invoice-label = Top-up of { $amount }
topup-paid =
    ✅ Payment received: { $stars } ⭐.
    { $amount } has been added to your balance.
    Balance: <b>{ $balance }</b>
topup-paid-no-account = ✅ We received your payment, but could not find your account to credit it. Our team has been told and will sort it out; you can also write to /paysupport.
precheckout-unknown = This invoice is not valid. Please open /topup and create a new one.
precheckout-paid = This invoice has already been paid. Open /topup to create a new one.
precheckout-expired = This invoice has expired. Open /topup to create a new one.
precheckout-amount = The amount does not match the invoice. Open /topup to create a new one.
stars-no-account = 🛑 Stars payment <code>{ $charge }</code> of { $stars } ⭐ from user <code>{ $telegramId }</code> could not be credited: no account. Credit it by hand or refund it.
stars-unknown-payload = ⚠️ Stars payment <code>{ $charge }</code> of { $stars } ⭐ from user <code>{ $telegramId }</code> had an unknown invoice; { $amount } was credited at the current rate.
stars-unexpected-currency = ⚠️ A payment from user <code>{ $telegramId }</code> came in { $currency } (charge <code>{ $charge }</code>); it was not credited.
stars-reconcile-problem = ⚠️ Stars reconciliation: { $problem }
unknown-message = I did not understand that. Open /menu to see what I can do, or /help.
cancel-done = ✅ Stopped. Open /menu to continue.

## Transaction history (POLICY B5)
history-title =
    📜 <b>Transaction history</b>
    Newest first, times: { $zone }.
history-page = Page { $page } of { $pages }
history-empty =
    📜 <b>Transaction history</b>

    Nothing here yet. Your top-ups, purchases and refunds will appear here as soon as there are any.
history-entry =
    { $date } · <b>{ $amount }</b>
    { $what } · balance { $balance }
history-amount-in = +{ $amount }
history-amount-out = −{ $amount }
history-kind-topup = Top-up
history-kind-purchase = Purchase
history-kind-refund = Refund
history-kind-adjustment = Adjustment by the shop
history-kind-payment_refund = Refund to your payment method
history-kind-forfeit = Balance forfeited
history-what-memo = { $kind } — { $memo }
history-prev-button = ◀
history-next-button = ▶
history-csv-button = ⬇️ CSV
history-csv-caption = 📄 Your full transaction history: { $count ->
        [one] { $count } entry
       *[other] { $count } entries
    }. Amounts are in { $currency }, times: { $zone }.
history-csv-empty = Your history is empty, so there is nothing to download yet.
history-csv-date = Date ({ $zone })
history-csv-kind = Type
history-csv-description = Description
history-csv-amount = Amount
history-csv-balanceAfter = Balance after
history-csv-currency = Currency
history-csv-entryId = Entry no.
recovery-issued = 📱 Your { $service } number for { $country } is ready after a delay: <code>{ $phone }</code>. Open /orders to see it.
recovery-failed = ↩️ Your { $service } number for { $country } could not be issued. Nothing was charged: { $amount } is available on your balance again.
abuse-suspended-admin = 🚫 Buying suspended for account #{ $account } until { $until }: { $reason }.
job-item-failed = ⚠️ The { $job } job failed on { $item } and goes on with the others: { $error }
purchase-operator-failure = 🛑 Purchases fail at the provider for a reason on the shop's side ({ $reason }): { $details }. Users see "temporarily unavailable" until it is fixed.

## Buying a one-time number: the flow (buy-), the number card (card-), "My numbers" (orders-)
buy-services-title =
    🛒 <b>Buy a number</b> · step 1 of 3

    Choose the service you need a code from, or type part of its name (for example <i>tele</i>).
buy-search-results = Found for “{ $search }”: { $count }
buy-search-none = Nothing found for “{ $search }”. Here are the most popular services:
buy-all-services-button = ✖️ Show all services
buy-type-hint = Type part of the service name, or choose one with the buttons above. /cancel to stop.
buy-nothing-on-sale = 😕 No numbers are on sale right now. Please try again in a few minutes.
buy-page = Page { $page } of { $pages }
buy-prev-button = ◀
buy-next-button = ▶
buy-back-button = ⬅️ Back
buy-countries-title =
    🛒 <b>{ $service }</b> · step 2 of 3

    Choose a country. Cheapest first; the number shows how many are available. You can also type part of a country's name.
buy-country-button = { $country } · { $price } · { $stock } pcs
buy-service-sold-out = 😕 { $service } numbers have just run out. Please choose another service or try again later.
buy-country-sold-out = 😕 Numbers for that country have just run out. Please choose another one.
buy-confirm-title = 🛒 <b>Check your order</b> · step 3 of 3
buy-confirm-details =
    Service: <b>{ $service }</b>
    Country: <b>{ $country }</b>
    Price: <b>{ $price }</b>
    Your balance: { $balance }
buy-confirm-terms = The number works for { $ttl ->
        [one] { $ttl } minute
       *[other] { $ttl } minutes
    }. If no code arrives, or you cancel before one does, the price goes back to your balance.
buy-confirm-button = ✅ Confirm · { $price }
buy-short-of-money = 💳 Not enough money on your balance: <b>{ $missing }</b> more is needed. Top up and come back.
buy-topup-button = 💳 Top up
buy-stale-button = This button belongs to an older list. Please use the latest message, or start again with /buy.
buy-getting-number = Getting your number…
buy-in-progress = ⏳ Getting your number from the provider…
buy-already-placed = This order has already been placed.
buy-pending =
    ⏳ The provider is slow to answer. Your number is on its way: we will finish the purchase for you and send it here.
    If it cannot be issued, the money goes back to your balance.
buy-failed-earlier = This order could not be completed earlier; nothing was charged. Please start again with /buy.
buy-no-money =
    💳 <b>Not enough money</b>

    The number costs { $price }, and { $balance } is available on your balance: <b>{ $missing }</b> more is needed.
buy-out-of-stock = 😕 The numbers for this country have just run out. Your money was not taken. You can pick another country:
buy-not-offered = 😕 This number is no longer offered. Your money was not taken. You can pick another country:
buy-account-inactive = ⛔ Your account cannot buy numbers right now. If you think this is a mistake, write to /paysupport.
buy-unavailable = 😕 Buying numbers is temporarily unavailable. Your money was not taken. Please try again later.
buy-provider-timeout = 😕 The provider did not answer in time, so no number was issued. Your money was not taken. Please try again:
buy-failed = 😕 The provider could not issue this number. Your money was not taken. You can pick another country:
buy-other-countries-button = 🌍 Other countries
buy-order-expired = ⌛ This confirmation is out of date: prices and stock may have changed. Please choose again.
buy-price-changed = 💱 The price of this number has changed to { $price }. Nothing was charged. Please choose again to see the new price.
buy-suspended =
    ⛔ Buying numbers is paused for your account until { $until }.
    Reason: many numbers were cancelled without a code in a short time. Your balance is safe and you can still use your current numbers.
buy-suspended-now =
    ⛔ You have cancelled many numbers without a code in a short time, so buying is paused until { $until }.
    Your balance is safe; after that time you can buy again.

card-title = 📱 <b>{ $service }</b> · { $country }
card-number = Number: <code>{ $phone }</code>
card-price = Price: { $price }
card-state = Status: { $state }
card-expires = Valid until { $time } · { $minutes ->
        [0] ending now
        [one] { $minutes } minute left
       *[other] { $minutes } minutes left
    }
card-state-reserving = ⏳ being issued
card-state-waiting = ⏳ waiting for SMS
card-state-cancelling = ⏳ cancelling
card-state-received = ✅ code received
card-state-finished = ✔️ finished
card-state-cancelled = ↩️ cancelled, money returned
card-state-banned = 🚫 reported as used, money returned
card-state-expired = ⌛ expired without a code, money returned
card-state-failed = ❌ not issued, nothing charged
card-sms-none = Enter this number in { $service } and ask for a code: the SMS will appear here.
card-sms-title = <b>SMS received: { $count }</b>
card-sms-earlier = (earlier ones are in the messages above)
card-sms-with-code = 🔑 <code>{ $code }</code> — { $text }
card-sms-text = ✉️ { $text }
card-hint-received = Need another code? Press “📩 Another SMS”. Done? Press “✅ Finish”.
card-cancel-button = ❌ Cancel
card-ban-button = 🚫 Number already used
card-another-button = 📩 Another SMS
card-finish-button = ✅ Finish
card-cancelled-refunded = ↩️ The number <code>{ $phone }</code> is cancelled. { $amount } is back on your balance.
card-banned-refunded = 🚫 Thank you for reporting it: the number <code>{ $phone }</code> will not be given out again. { $amount } is back on your balance.
card-expired-refunded = ⌛ No code came to <code>{ $phone }</code> ({ $service }) in time, so the number has ended. { $amount } is back on your balance.
card-ended-refunded = ↩️ The provider ended the number <code>{ $phone }</code> ({ $service }) before a code arrived. { $amount } is back on your balance.
card-not-found = This number is not in your orders. Open /orders to see yours.
card-too-early = The provider allows cancelling this number from { $time }. Please try again then.
card-has-code = A code has already arrived for this number, so it counts as delivered and cannot be cancelled or refunded.
card-ended = This number has already ended.
card-busy = This number is being cancelled already. One moment…
card-not-yet-issued = The number is still being issued. Please try again in a moment.
card-temporary = The provider did not answer. Nothing has changed; please try again in a minute.
card-no-code-yet = No code has arrived yet. If you do not need the number, you can cancel it for a full refund.
card-another-requested = Asked for another SMS. It will appear here.
card-another-refused = The provider did not accept the request for another SMS.
card-finished = ✅ Finished. Thank you!
card-finish-refused = The provider did not accept this. Please try again in a minute.
card-reminder =
    ⏳ No SMS has come to <code>{ $phone }</code> ({ $service }) yet.
    If the service does not send the code, you can cancel the number: the full price goes back to your balance.
card-sms-new = 📩 <b>New SMS</b> for <code>{ $phone }</code> · { $service }
card-sms-new-code =
    Code: <code>{ $code }</code>

    { $text }
card-sms-new-text = { $text }

orders-title =
    📱 <b>My numbers</b>
    Newest first, times: { $zone }.
orders-page = Page { $page } of { $pages }
orders-empty =
    📱 <b>My numbers</b>

    You have not bought any numbers yet.
orders-entry =
    <b>{ $service }</b> · { $country } · { $date }
    <code>{ $phone }</code> · { $state } · { $price }
orders-codes = Codes: { $codes }
orders-sms-count = SMS: { $count }
orders-open-button = 📱 Open { $phone }
cmd-orders = My numbers

broadcast-usage = Send <code>/broadcast your text</code>, or reply <code>/broadcast</code> to a message to copy it to every subscriber.
broadcast-started = 📣 Broadcast #{ $id } started. Recipients: { $total }; skipped: { $skipped } (opted out of news or blocked the bot).
broadcast-progress = 📣 Broadcast: sent { $sent } / { $total } (blocked { $blocked }, failed { $failed })
broadcast-cancel-button = ✖️ Cancel the broadcast
broadcast-report-done =
    ✅ <b>Broadcast finished</b>
    Sent: { $sent } / { $total }
    Blocked the bot: { $blocked }
    Failed: { $failed }
    Skipped: { $skipped }
broadcast-report-cancelled =
    ✖️ <b>Broadcast cancelled</b>
    Sent: { $sent } / { $total }
    Not sent: { $unsent }
    Blocked the bot: { $blocked }
    Failed: { $failed }
    Skipped: { $skipped }
broadcast-not-running = This broadcast has already ended.
broadcast-cancelled = Broadcast cancelled.
account-delete-button = 🗑 Delete my account
account-delete-confirm =
    🗑 <b>Delete your account?</b>

    Your balance of { $balance } will be forfeited: it cannot be restored or refunded.
    Your payment and activation history is kept, as the rules require, but your name and username are removed.
    If you write to the bot again later, you will start with a new, empty account.
account-delete-confirm-button = 🗑 Yes, delete my account
account-delete-keep-button = ⬅️ No, keep it
account-delete-open-holds = You have numbers in progress. Finish or cancel your numbers first, then delete the account.
account-delete-done = Your account has been deleted. { $forfeited } was forfeited. Thank you for using the bot.
account-delete-gone = This account no longer exists.
inactivity-warning =
    ⏳ You have not used the bot for a long time. Unused accounts are deleted after 9 months.
    Your account will be deleted on { $date }, in { $days ->
        [one] { $days } day
       *[other] { $days } days
    }, and its balance of { $balance } will be forfeited.
    To keep it, just open /menu before then.

## Admin commands (admin-): only admins see these
admin-cmd-refund = Refund an activation
admin-cmd-credit = Credit a user's balance
admin-cmd-debit = Debit a user's balance
admin-cmd-block = Block a user (balance frozen)
admin-cmd-unblock = Unblock a user
admin-cmd-user = Look up a user
admin-cmd-order = Everything about an activation
admin-cmd-stats = Statistics
admin-cmd-ledger = Check the ledger
admin-cmd-audit = Last admin actions
admin-usage-refund = Usage: <code>/refund ACTIVATION_ID reason</code> — the reason is required. <code>/refund ACTIVATION_ID force reason</code> refunds a number that got its code or is older than a month.
admin-usage-credit = Usage: <code>/credit USER AMOUNT reason</code>, e.g. <code>/credit @alice 2.50 compensation</code>. USER is an account id (#12), a Telegram id or @username. AMOUNT is at most { $max }.
admin-usage-debit = Usage: <code>/debit USER AMOUNT reason</code>, e.g. <code>/debit 12 1.00 correction</code>. USER is an account id (#12), a Telegram id or @username. AMOUNT is at most { $max }.
admin-usage-block = Usage: <code>/block USER reason</code> — blocks the account and freezes its balance.
admin-usage-unblock = Usage: <code>/unblock USER</code>
admin-usage-user = Usage: <code>/user USER</code> — an account id (#12), a Telegram id or @username.
admin-usage-order = Usage: <code>/order ACTIVATION_ID</code> or <code>/order +77001234567</code> (the number as the user sees it on the card)
admin-usage-stats = Usage: <code>/stats</code>
admin-usage-ledger = Usage: <code>/ledger</code>
admin-usage-audit = Usage: <code>/audit</code> or <code>/audit N</code> (1 to 100 entries, 20 by default).
admin-user-label = #{ $id } ({ $name }, tg <code>{ $telegramId }</code>)
admin-user-not-found = No user { $ref }.
admin-user-ambiguous = { $ref } names two different users (an account id and a Telegram id). Write <code>#{ $ref }</code> for the account id, or use the @username.
admin-account-deleted = That account is deleted: nothing was changed.
admin-duplicate = This command was already carried out; nothing changed.
admin-user-not-told = (The user was not told: the account is deleted.)
admin-order-not-found = No activation #{ $id }.
admin-refund-released = ✅ Activation #{ $id } ended before a code: its reservation of { $amount } is released to { $user }.
admin-refund-done = ✅ Activation #{ $id } refunded: { $amount } returned to { $user }.
admin-refund-already = Activation #{ $id } was already refunded; nothing changed.
admin-refund-not-charged = Activation #{ $id } ended without a code, so nothing was charged and there is nothing to refund.
admin-refund-busy = Activation #{ $id } is changing right now. Try again in a moment.
admin-credit-done = ✅ Credited { $amount } to { $user }. Available now: { $available }.
admin-debit-done = ✅ Debited { $amount } from { $user }. Available now: { $available }.
admin-debit-short = ❌ Not debited: { $user } has { $available } available, { $missing } short.
admin-block-done = ⛔ { $user } is blocked and the balance is frozen. Reason: { $reason }
admin-block-already = { $user } is already blocked; nothing changed.
admin-unblock-done = ✅ { $user } is unblocked.
admin-unblock-not-blocked = { $user } is not blocked; nothing changed.
admin-notice-refunded =
    ↩️ The shop refunded { $amount } for your { $service } number { $phone }.
    Reason: { $reason }
    Balance: <b>{ $balance }</b>
admin-notice-credited =
    💰 The shop added { $amount } to your balance.
    Reason: { $reason }
    Balance: <b>{ $balance }</b>
admin-notice-debited =
    💰 The shop took { $amount } from your balance.
    Reason: { $reason }
    Balance: <b>{ $balance }</b>
admin-notice-unblocked = ✅ Your account is unblocked: you can buy numbers and top up again. /menu
admin-user-card =
    👤 <b>User</b> { $user }
    Name: { $name } · language { $language } · status <b>{ $status }</b>
    Registered { $created } · last seen { $seen } (UTC)
    Balance: posted { $posted } · held { $held } · available <b>{ $available }</b>
    All time: top-ups { $topups } · purchases { $purchases } · refunds { $refunds } · adjustments { $adjustments }
    Activations: { $activations }
admin-user-blocked = ⛔ Blocked: { $reason }
admin-user-frozen = ❄️ The balance is frozen.
admin-user-activations-title = <b>Last activations</b>
admin-user-activation-line = #{ $id } · { $date } · { $service } · { $country } · { $state } · { $price }
admin-user-payments-title = <b>Last payments</b>
admin-user-payment-line = { $date } · { $stars } ⭐ → { $amount } · refund: { $refund }
admin-order-card =
    🧾 <b>Activation #{ $id }</b> · <b>{ $state }</b>
    User: { $user }
    { $service } · { $country } · <code>{ $phone }</code>
    Provider: { $provider } · id <code>{ $providerId }</code>
    Price { $price } · provider cost { $cost }
    Hold: { $hold }
    Created { $created } · expires { $expires } · ended { $ended } (UTC)
    End reason: { $endReason }
admin-order-sms-title = <b>SMS: { $count }</b>
admin-order-sms-line = ✉️ { $date } · code { $code } · { $text }
admin-order-money-title = <b>Money</b>
admin-order-entry = entry { $id } · { $date } · { $kind } · { $amount } · { $memo }
admin-stats-title = 📊 <b>Statistics</b> · days from midnight, { $zone }
admin-stats-today = Today
admin-stats-week = Last 7 days
admin-stats-month = Last 30 days
admin-stats-period =
    <b>{ $title }</b>
    ⭐ Stars received: { $stars } (payments: { $starPayments }) · given back: { $starsBack } (payments: { $starRefunds })
    Top-ups: { $topups } ({ $topupCount })
    Sales: { $sales } ({ $salesCount }) · numbers: { $numbers } ({ $numbersAmount }) · rentals: { $rentals }, extensions: { $extensions } ({ $rentalsAmount })
    Refunds to balances: { $refunds } ({ $refundCount }) · to payment methods: { $paymentRefunds } ({ $paymentRefundCount })
    Provider cost: { $cost } · margin after refunds: <b>{ $margin }</b>
    Numbers: { $outcomes }
    Success: { $rate } ({ $withCode } of { $issued } numbers got a code)
    Active users: { $active } · new: { $newUsers }
admin-stats-provider-balance = Provider balance ({ $provider }): { $balance }
admin-stats-provider-unavailable = Provider balance ({ $provider }): unavailable ({ $reason })
admin-ledger-ok = ✅ Ledger OK: every balance matches its entries and holds.
admin-ledger-problems = ❌ Ledger problems: { $count }
admin-audit-title = 🗒 <b>Last admin actions: { $count }</b> (UTC, newest first)
admin-audit-empty = No admin actions yet.
admin-audit-line = { $id }. { $date } · admin <code>{ $admin }</code> · <b>{ $action }</b> · { $target } · { $amount } · { $reason }
admin-debit-frozen = ❄️ Not debited: the balance of { $user } is frozen while the account is blocked. It can be credited, not debited.
admin-cmd-broadcast = Message every subscriber
topup-found-later = ✅ We found your payment of { $stars } ⭐ that had not reached us: { $amount } has been added to your balance.

## Provider answers: price rises, operator-side failures, unclear answers (providers)
buy-price-rose =
    💱 The provider has raised the price of this number. Nothing was charged.

    Service: <b>{ $service }</b>
    Country: <b>{ $country }</b>
    New price: <b>{ $price }</b>
    Your balance: { $balance }
purchase-price-rise = 💱 The provider raised its cost of { $service } in { $country } to { $cost } (provider's currency). The offer now sells at { $price }; users are asked to confirm the new price.
provider-operator-failure = 🛑 The provider refuses the shop's requests in { $job } for a reason on the shop's side ({ $reason }): { $details }. This needs the operator.
card-cancel-unclear = The provider's answer was unclear. We are checking with it: if the number has ended, the money comes back by itself and you will be told.
card-finish-unclear = The provider's answer was unclear, so the number stays open. Please try Finish again in a minute.

## Money paths (issue 10): payments of blocked accounts, admin amount limits, /refund overrides
topup-paid-frozen = ✅ Payment received: { $stars } ⭐. { $amount } has been added to your balance, but your account is blocked, so the balance is frozen until the block is lifted. Write to /paysupport if you have questions.
stars-paid-while-blocked = ❄️ Stars payment <code>{ $charge }</code> of { $stars } ⭐ from user <code>{ $telegramId }</code> (account #{ $account }) arrived after the account was blocked: { $amount } was credited to the frozen balance. Refund it if it should not stay.
admin-amount-over-limit = ⛔ Not done: an admin credit or debit is at most { $max }, and a credit may not take the balance of { $user } beyond it (ADMIN_MAX_AMOUNT).
admin-refund-code-delivered = ⛔ Not refunded: activation #{ $id } received its code, so the service was delivered (rule A4). To refund anyway, say so: <code>/refund { $id } force reason</code> (recorded in the audit log).
admin-refund-too-old = ⛔ Not refunded: activation #{ $id } is older than a month (rule W4). To refund anyway, say so: <code>/refund { $id } force reason</code> (recorded in the audit log).
admin-refund-account-deleted = ⛔ Not refunded: the account of activation #{ $id } was deleted, and nothing is ever refunded into a deleted account.

## ---------------------------------------------------------------- Rentals (renting numbers for days, POLICY L1-L5)

rent-not-offered = 📅 Renting numbers for days is not offered at the moment. One-time numbers are available under “Buy number”.
rent-no-offers = 📅 No numbers can be rented right now. Please look again a little later.
rent-choose-service = 📅 <b>Rent a number for days</b>
    The number is yours for the whole period: every SMS to it comes to this chat.
    Choose the service you need it for:
rent-choice-button = { $name } · { $price }
rent-choose-country = Service: { $service }
    Choose the country of the number:
rent-documents-legend = 🪪 — numbers of this country need identity documents.
rent-choose-period = Service: { $service }
    Country: { $country }
    For how long?
rent-documents-notice = 🪪 <b>Identity documents.</b> The operator of numbers in this country requires identity documents. If you rent one and then do not provide them, the rental is not refunded.
rent-period-days = { $days ->
    [one] 1 day
   *[other] { $days } days
}
rent-period-hours = { $hours ->
    [one] 1 hour
   *[other] { $hours } hours
}
rent-left-days = { $days ->
    [one] { $days } day left
   *[other] { $days } days left
}
rent-left-hours = { $hours ->
    [one] { $hours } hour left
   *[other] { $hours } hours left
}
rent-left-minutes = { $minutes ->
    [one] { $minutes } minute left
   *[other] { $minutes } minutes left
}
rent-any-service = 🌐 Any service
rent-any-terms = 🌐 <b>A number for any service</b> receives SMS from every sender, for the whole period. It may not be used for banks, Qiwi or WebMoney, for paid subscriptions, or for anything against the law. Using it for them breaks the shop's rules, and nothing is refunded for it.
rent-confirm = 📅 <b>Renting a number</b>
    Service: { $service }
    Country: { $country }
    Period: { $period }
    Price: <b>{ $price }</b>, taken when the number is rented
    Rented until: { $until } · { $left }
    Your balance: { $balance }
rent-rules = <b>Good to know</b>
    • Cancel within { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }, before any SMS, and the whole price comes back.
    • If the number stops working, report it: days it stays broken beyond 24 hours are refunded, counted from your report.
    • If the carrier takes the number away, the unused time is refunded at once.
    • Ending early by your own choice refunds nothing, and caller ID on outgoing calls is not a reason for a refund.
rent-confirm-button = ✅ Rent · { $price }
rent-in-progress = ⏳ Renting the number…
rent-pending = ⏳ The provider has not answered yet. The money stays reserved until we know; you will get a message either way.
rent-out-of-stock = 😕 No numbers of this kind are left to rent right now. Nothing was charged.
rent-failed = 😕 The number could not be rented. Nothing was charged.
rent-quote-expired = ⌛ This offer is out of date. Please choose again to see the current price.
rent-stale-button = This button is out of date. Open “📅 Rent a number” again.
rent-card-title = 📅 <b>Rented number</b> · { $service } · { $country }
rent-card-number = Number: <code>{ $phone }</code>
rent-card-state = Status: { $state }
rent-state-reserving = ⏳ being rented
rent-state-active = ✅ active
rent-state-cancelling = ⏳ being cancelled
rent-state-ending = ⏳ being ended
rent-state-expired = ⌛ rental period over
rent-state-finished = ⏹ ended early
rent-state-cancelled = ↩️ cancelled, money returned
rent-state-revoked = 📵 taken away by the carrier, unused time refunded
rent-state-failed = ✖️ not rented, nothing charged
rent-card-until = Rented until { $until } · { $left }
rent-card-ended-at = Ended { $until }
rent-card-sms-none = No SMS yet. Each one will come here as its own message.
rent-card-sms-title = { $count ->
    [one] 1 SMS received:
   *[other] { $count } SMS received:
}
rent-sms-line = { $when }: { $text }
rent-sms-line-code = { $when }: <code>{ $code }</code> — { $text }
rent-card-cancel-hint = You can still cancel with a full refund until { $time }, while no SMS has come.
rent-card-problem-open = ⚠️ You reported a problem on { $when }; the admins are looking at it.
rent-card-problem-confirmed = ⚠️ Confirmed not working since { $when }: days beyond the first 24 hours are refunded.
rent-extend-button = ➕ Extend
rent-inbox-button = 📥 Inbox
rent-report-button = ⚠️ Report a problem
rent-end-button = ⏹ End rental
rent-cancel-button = ❌ Cancel (full refund)
rent-keep-button = ⬅️ Keep the number
rent-end-yes = ⏹ Yes, end it now
rent-report-yes = ⚠️ Yes, it does not work
rent-sms-new = 📩 SMS to <code>{ $phone }</code> ({ $service }, { $country }) from { $from }
rent-not-found = This rental was not found.
rent-not-active = This rental is not active any more.
rent-cancelled = ↩️ The rental of { $phone } is cancelled. { $amount } is back on your balance.
rent-cancel-window-closed = The time for a cancel with a full refund is over. You can end the rental, but the unused time is not refunded.
rent-cancel-has-sms = An SMS has already come to this number, so it can no longer be cancelled with a refund.
rent-cancel-refused-now = The provider no longer allows cancelling this number. It stays yours until the end of the period.
rent-end-ask = ⏹ <b>End the rental of <code>{ $phone }</code> now?</b>
    It is paid until { $until }. If you end it now, the unused time is <b>not refunded</b>, and the number cannot be taken back.
    If the number does not work, report a problem instead.
rent-ended = ⏹ The rental of { $phone } has ended. The number no longer receives SMS for you.
rent-end-pending = ⏳ The provider has not confirmed yet. We will end it as soon as it answers.
rent-report-ask = ⚠️ <b>Does the number <code>{ $phone }</code> not work?</b>
    We record the moment you report it and tell the admins. If it stays broken for more than 24 hours, the days it was unavailable are refunded to your balance, counted from now.
    Caller ID not working on outgoing calls is not a reason for a refund.
rent-reported = ✅ Thank you. Your report is recorded and the admins have been told.
rent-report-duplicate = Your report is already recorded.
rent-extend-not-active = Only an active rental can be extended.
rent-inbox-title = 📥 <b>Inbox of <code>{ $phone }</code></b> ({ $service }, { $country }) — { $count } SMS
rent-inbox-empty = No SMS yet.
rent-extend-choose = ➕ <b>Extend <code>{ $phone }</code></b>
    It is rented until { $until }. Add:
rent-extend-none = This number cannot be extended right now.
rent-extend-refused = 😕 The provider cannot extend this number (it may have reached its maximum, or no longer work). Nothing was charged.
rent-extend-confirm = ➕ <b>Extending <code>{ $phone }</code></b>
    Add: { $period }
    Price: <b>{ $price }</b>
    New end: { $until } · { $left }
    Your balance: { $balance }
rent-extend-confirm-button = ✅ Extend · { $price }
rent-extended = ✅ <code>{ $phone }</code> is extended until { $until }. { $price } was taken from your balance.
rent-extend-pending = ⏳ The provider has not answered yet. The money stays reserved until we know whether the number was extended.
rent-mine-empty = You have not rented any number yet.
rent-mine-title = 📅 <b>Your rented numbers</b>
rent-mine-entry = { $service } · { $country }
    <code>{ $phone }</code> — { $state }, until { $until }
rent-recovered = ✅ Your rented number <code>{ $phone }</code> ({ $service }, { $country }) is ready. Open it from /rentals.
rent-recovery-failed = 😕 The number ({ $service }, { $country }) could not be rented after all. The reserved { $amount } is free again on your balance.
rent-cancel-refused = The provider refused to cancel <code>{ $phone }</code> (an SMS came, or the time was over). It stays yours until the end of the period; nothing was refunded.
rent-revoked = 📵 The carrier has taken the number <code>{ $phone }</code> ({ $service }, { $country }) away. This is not your doing: the unused time, { $amount }, is back on your balance.
rent-revoked-nothing-left = 📵 The carrier has taken the number <code>{ $phone }</code> ({ $service }, { $country }) away. Its paid time had already been used or refunded.
rent-expired = ⌛ The rental of <code>{ $phone }</code> ({ $service }, { $country }) is over. The number no longer receives SMS for you.
rent-extended-later = ✅ <code>{ $phone }</code> is extended until { $until }.
rent-extend-refused-later = 😕 The provider did not extend <code>{ $phone }</code>. Nothing was charged.
rent-problem-confirmed = ⚠️ The admins confirmed that <code>{ $phone }</code> does not work. Days it stays broken beyond the first 24 hours are refunded, counted from your report.
rent-problem-dismissed = The admins checked <code>{ $phone }</code> and found it working, so nothing is refunded. If it still fails, report it again.
rent-problem-resolved = ✅ <code>{ $phone }</code> works again. Refunded for the days it did not work: { $amount }.
rent-problem-days-refunded = ↩️ <code>{ $phone }</code> is still not working: { $amount } is back on your balance ({ $days ->
    [one] 1 day
   *[other] { $days } days
} so far).
rent-admin-refund = ↩️ The admins refunded { $amount } for <code>{ $phone }</code> ({ $days ->
    [one] 1 day
   *[other] { $days } days
}). Reason: { $reason }
rent-reminder = ⏰ The rental of <code>{ $phone }</code> ({ $service }, { $country }) ends { $until } ({ $left }). Extend it to keep the number.
rent-problem-admin = ⚠️ Rental problem #{ $problem }: user #{ $user } says rental #{ $rental } ({ $phone }) does not work. See /rentproblems.
rent-extension-unknown = ❓ Extension #{ $extension } of rental #{ $rental }: the provider's answer was lost, and { $why ->
        [end] the end it shows now fits neither the old end nor the extended one (another time zone or format?)
       *[other] it does not show the rental's end
    }. The money stays reserved and the bot keeps asking; please check at the provider.
admin-rental = Rental #{ $id } · user #{ $user } · { $phone }
    { $service } · { $country } · { $state }
    Started { $started }, ends { $ends } · SMS: { $sms }
    Paid { $paid }, refunded { $refunded } · { $provider }
admin-rental-not-found = No rental #{ $id }.
admin-rental-problem = Problem #{ $id }: { $state }, reported { $reported }, days refunded: { $days }
admin-rent-problems-none = No open rental problems.
admin-rent-problem-entry = ⚠️ Problem #{ $id } ({ $state }), reported { $reported }, days refunded: { $days }
admin-rent-problem-confirm = ✅ Confirm: not working
admin-rent-problem-dismiss = ✖️ Dismiss
admin-rent-problem-working = 🔧 Working again
admin-rent-problem-not_found = No such problem report.
admin-rent-problem-already_decided = This report has already been decided.
admin-rent-problem-not_confirmed = Only a confirmed report can be marked working again.
admin-rent-problem-decided = Problem #{ $id } is now { $state }. Refunded now: { $amount }.
admin-rentrefund-not_found = No rented number #{ $id }.
admin-rentrefund-nothing_left = Rental #{ $id } has nothing left to refund.
admin-rentrefund-bad_days = The number of days must be a whole number above zero.
admin-rentrefund-done = Refunded { $amount } for { $days ->
        [one] { $days } day
       *[other] { $days } days
    } of rental #{ $id }. Written to the audit log.
admin-usage-rental = Usage: /rental <rental id>
admin-usage-rentrefund = Usage: /rentrefund <rental id> <days> <reason>
admin-stats-rentals = 📅 Rentals now: active { $live } · problem reports open: { $problems }
admin-cmd-rental = Look up a rented number
admin-cmd-rentproblems = Open problem reports of rented numbers
admin-cmd-rentrefund = Refund days of a rental
rent-card-button = 📅 Show the number

## Refunds to the payment method (POLICY W1-W6) and support both ways (issue 12)
help-support-button = 💬 Support
help-refund-button = ↩️ Request a refund
refund-screen-title = ↩️ <b>Refunds to your payment method</b>
    You can ask for money on your balance to go back to the way you paid, for payments of the last month. Our team decides within 2 working days; while a request is open, its amount is reserved on your balance.
refund-screen-line = #{ $id } · { $amount } · { $status }
refund-new-button = ➕ New request
refund-withdraw-numbered-button = ✖️ Withdraw #{ $id }
refund-withdraw-button = ✖️ Withdraw the request
refund-status-open = waiting for a decision
refund-status-approving = being refunded
refund-status-approved = refunded
refund-status-refused = refused
refund-status-withdrawn = withdrawn
refund-nothing = There is nothing to refund: no payment of the last month with money still on your balance. Refunds are only for payments of the last month.
refund-use-buttons = Please use the buttons above, or send /cancel to stop.
refund-cancelled = Stopped; nothing was sent. Open /menu to continue.
refund-cancel-button = ✖️ Cancel
refund-pick-payment = Which payment should go back? Only payments of the last month are listed.
refund-payment-button = { $stars } ⭐ · { $date } · { $amount }
refund-ask-amount = That payment added { $credited } to your balance. You can ask for up to <b>{ $refundable }</b> (what is still available). Press the button for all of it, or send an amount.
refund-amount-all-button = All: { $amount }
refund-bad-amount = Please send an amount above zero and at most { $refundable }, for example 1.50.
refund-ask-reason = Why do you want the money back?
refund-reason-not_provided = A number I paid for could not be provided
refund-reason-carrier_failure = My number stopped working (the carrier's fault)
refund-reason-changed_mind = I changed my mind
refund-reason-accidental = I topped up by accident
refund-reason-left_unused = Money left after I stopped using the service
refund-reason-misunderstood = I misunderstood how the service works
refund-reason-other = Something else
refund-ask-reason-text = Please describe the reason in one message.
refund-w2-warning = { $reason ->
        [changed_mind] ⚠️ Our rules do not refund a payment because you changed your mind.
        [accidental] ⚠️ Our rules do not refund a top-up made by accident.
        [left_unused] ⚠️ Our rules do not refund money left on the balance after you stopped using the service: it stays on your balance and never expires.
       *[misunderstood] ⚠️ Our rules do not refund a payment made because of a misunderstanding of how the service works.
    }
    The money stays on your balance and can be spent at any time. You can still send the request: our team will read it.
refund-send-anyway-button = 📨 Send it anyway
refund-ask-service = Which service was it about?
refund-no-service-button = Not about one service
refund-summary =
    <b>Your refund request</b>
    Payment: { $stars } ⭐ of { $date }
    Amount: <b>{ $amount }</b> (reserved on your balance while the request is open)
    Reason: { $reason }
    Details: { $note }
    Service: { $service }
    Send it?
refund-confirm-button = ✅ Send the request
refund-filed = 📨 Request #{ $id } is sent. { $amount } is reserved on your balance until our team decides, within 2 working days. You will hear from us here.
refund-not-filed-not_offered = This payment can no longer be refunded. Open /refundrequest to see what can.
refund-not-filed-account_not_active = Your account cannot request refunds.
refund-not-filed-already_requested = There is already an open request for this payment.
refund-not-filed-bad_amount = That amount cannot be refunded for this payment.
refund-not-filed-insufficient_funds = Your balance changed meanwhile and no longer covers this amount. Please start again.
refund-withdrawn = Request #{ $id } is withdrawn; { $amount } is available on your balance again.
refund-withdraw-in-progress = This request is being refunded right now and can no longer be withdrawn.
refund-withdraw-closed = This request is already closed.
refund-left = { $hours } h left
refund-overdue-by = overdue by { $hours } h
refund-refusal-changed_mind = a change of mind is not a reason for a refund
refund-refusal-accidental = an accidental top-up is not refunded
refund-refusal-left_unused = money left after you stopped using the service stays on the balance
refund-refusal-misunderstood = a misunderstanding of how the service works is not a reason for a refund
refund-refusal-documents = identity documents were refused
refund-refusal-unlawful = the service was used against the law or the rules
refund-refusal-restrictions = the number's restrictions were not followed
refund-refusal-caller_id = Caller ID not working is not a reason for a refund
refund-user-approved-stars = ✅ Refund request #{ $id } is approved: { $stars } ⭐ went back to your Telegram account and { $amount } was taken from your balance.
refund-user-recorded-outside = ✅ Refund request #{ $id } is approved: { $amount } was refunded to you outside the bot and taken from your balance.
refund-user-refused = ❌ Refund request #{ $id } is refused: { $decision }. { $amount } is available on your balance again.
refund-admin-approve-button = ✅ Approve
refund-admin-refuse-button = ❌ Refuse
refund-admin-whole-button = ↩️ Refund the whole charge
refund-admin-outside-button = 🧾 Recorded outside the bot
refund-admin-new =
    ↩️ <b>Refund request #{ $id }</b> from { $user }
    Payment: { $stars } ⭐ (<code>{ $charge }</code>) of { $paid }, credited { $credited }
    Asked: <b>{ $amount }</b> · reason: { $reason } · { $note } · service: { $service }
    Since then: { $purchases } purchases for { $spent }, refunds to the balance { $refunded }
    Decide by { $deadline } ({ $left }).
refund-admin-request = { refund-admin-new }
    Status: { $status }
refund-admin-due-soon = ⏰ Refund request #{ $id } from { $user } ({ $amount }) must be decided by { $deadline } ({ $left }).
refund-admin-overdue = 🚨 Refund request #{ $id } from { $user } ({ $amount }) is past its deadline of { $deadline } ({ $left }).
refund-admin-telegram-refused = ⚠️ Telegram refused to refund request #{ $id } ({ $amount }): { $detail }. The money stays reserved and the request open.
refund-admin-list-empty = No open refund requests.
refund-admin-list-title = ↩️ <b>Open refund requests: { $count }</b> (oldest first)
refund-admin-list-line = #{ $id } · { $user } · { $amount } · { $reason } · { $status } · { $left }
refund-admin-not-found = Refund request #{ $id } does not exist.
refund-admin-refuse-pick = Refuse request #{ $id } with which reason? Or write one: <code>/refuse { $id } reason</code>
refund-admin-done-refunded_stars = ✅ Request #{ $id }: { $stars } ⭐ refunded through Telegram; { $amount } taken from the balance of { $user }.
refund-admin-done-recorded_outside = ✅ Request #{ $id }: recorded as refunded outside the bot; { $amount } taken from the balance of { $user }.
refund-admin-done-refused = ❌ Request #{ $id } refused ({ $decision }); { $amount } released to { $user }.
refund-admin-done-withdrawn = Request #{ $id } was withdrawn by the user.
refund-admin-partial = Request #{ $id } asks for { $amount }, but Telegram refunds whole charges only ({ $stars } ⭐ = { $credited }). The balance covers the whole charge: refund it all, or record a refund made outside the bot.
refund-admin-partial-uncovered = Request #{ $id } asks for { $amount }, but Telegram refunds whole charges only ({ $stars } ⭐ = { $credited }), and the balance does not cover the whole charge. Record a refund made outside the bot, or refuse.
refund-admin-telegram-said-no = ⚠️ Telegram refused to refund request #{ $id }: { $detail }. Nothing moved; the request is still open.
refund-admin-not-done-pending = ⏳ Request #{ $id }: Telegram has not answered clearly. The bot asks again every minute and settles it once.
refund-admin-not-done-in_progress = ⏳ Request #{ $id } is being refunded right now; nothing more to do.
refund-admin-not-done-not_found = Refund request #{ $id } does not exist.
refund-admin-not-done-not_open = Request #{ $id } is already closed; nothing changed.
refund-admin-not-done-account_deleted = Request #{ $id }: the account was deleted; nothing can be refunded.
refund-admin-not-done-account_blocked = Request #{ $id }: the account is blocked and its balance frozen (B2); nothing can be refunded while it is.
refund-admin-not-done-insufficient_funds = Request #{ $id }: the balance no longer covers the whole charge.
admin-usage-refuse = Usage: <code>/refuse REQUEST_ID reason</code>
admin-stats-payment-refunds = Refunds to payment methods, 30 days: { $amount } ({ $count })
support-text-only = Please write your message as text, or send /cancel.
support-thread-title = <b>Your conversation with us</b>
support-thread-you = { $date } · you: { $text }
support-thread-user = { $date } · user: { $text }
support-thread-team = { $date } · team: { $text }
support-write-now = ✍️ Write your message now; it goes to our team.
support-user-answer =
    💬 <b>Answer from our team</b>

    { $text }
support-admin-sent = ✅ Sent to #{ $id }.
support-admin-no-user = That account is gone; there is nobody to answer.
support-admin-reply-usage = Usage: <code>/reply USER text</code> or <code>/thread USER</code> (USER: #12, a Telegram id or @username). Or reply to a support message.
support-admin-thread-title = 💬 <b>Support thread of #{ $id }</b>: { $count ->
        [one] { $count } message
       *[other] { $count } messages
    }
admin-cmd-refunds = Open refund requests
admin-cmd-refuse = Refuse a refund request with a reason
admin-cmd-reply = Answer a user in support
admin-cmd-thread = A user's support thread
cmd-refundrequest = Refund to the payment method

## A shop people come back to (ux): fewer taps, favourites, finding a country, resuming after a top-up
menu-orders = 📱 My numbers
menu-orders-active = 📱 My numbers · { $count ->
        [one] { $count } active
       *[other] { $count } active
    }
buy-quick-hint = ⭐ your favourites and 🕘 your recent services come first.
buy-countries-title-stock =
    🛒 <b>{ $service }</b> · step 2 of 3

    Choose a country. Most available first. You can also type part of a country's name.
buy-country-search-results = Countries for “{ $search }”: { $count }
buy-country-search-none = No country of this service matches “{ $search }”. Here are all of them:
buy-sort-stock-button = 📦 Most available first
buy-sort-price-button = 💲 Cheapest first
buy-star-button = ☆ Add to favourites
buy-unstar-button = ★ In favourites
buy-starred = ⭐ { $service } is in your favourites: it will come first.
buy-unstarred = { $service } is no longer in your favourites.
buy-watch-button = 🔔 Tell me when it is back
buy-watch-set = 🔔 We will send you one message when numbers for this country are back.
buy-retry-button = 🔁 Try again
buy-provider-unreadable = 😕 The provider answered something we could not read, so no number was issued. Your money was not taken. Please try again:
buy-resume-title = 🛒 <b>Your order is waiting</b>
buy-resume-gone = 😕 The number you were topping up for is no longer on sale. Your balance is ready for another one.
topup-for-order = After paying you will come back to your order: <b>{ $missing }</b> more is needed for it.
card-buy-again-button = 🔁 Buy again
card-same-service-button = 🌍 Another country
stock-back = 🔔 { $service } numbers for { $country } are back on sale.
stock-back-button = 🛒 Buy now
card-cancel-from-button = ❌ Cancel from { $time }
card-refresh-button = 🔄 Refresh
card-refreshed = Updated.
settings-time-zone = Time zone: { $zone }
settings-time-zone-button = 🕒 Time zone: { $zone }
settings-time-zone-choose = Choose your time zone: the bot shows times in it on number cards, in your history and in refund requests:
tz-0 = UTC
tz-1 = London
tz-2 = Berlin, Paris
tz-3 = Kyiv
tz-4 = Moscow
tz-5 = Dubai
tz-6 = Tashkent
tz-7 = Almaty
tz-8 = India
tz-9 = Beijing
tz-10 = New York
tz-11 = Los Angeles
admin-cmd-unsuspend = Lift a buying pause (A6)
admin-usage-unsuspend = Usage: <code>/unsuspend USER</code> — lets the user buy again before the pause for cancellations ends.
admin-unsuspend-done = ✅ { $user } can buy again: the pause is lifted.
admin-unsuspend-none = { $user } has no buying pause; nothing changed.
admin-notice-unsuspended = ✅ The pause on buying has been lifted: you can buy numbers again. /buy
broadcast-preview = 📣 <b>Preview</b> · recipients: { $total }. This is how the message will look:
broadcast-preview-plain = (Telegram could not read this as formatting, so it will be sent as plain text.)
broadcast-preview-copy = 📣 <b>Preview</b> · recipients: { $total }. The message above will be copied to them as it is.
broadcast-send-button = ✅ Send · { $total }
broadcast-discard-button = ✖️ Do not send
broadcast-discarded = Not sent.
bot-description =
    Phone numbers for receiving a verification SMS from Telegram, WhatsApp, Google and hundreds of other services, in many countries.

    You pay only for a number that receives a code: no code, or you cancel before one arrives, and the money goes back to your balance. Top up with Telegram Stars.
bot-short-description = Numbers for verification SMS. No code — no charge. Top up with Telegram Stars.
admin-order-phone-none = No activation with the number { $phone }.
admin-order-phone-title = <b>Activations of { $phone }: { $count }</b> (newest first; the newest in full below)

## /stats: the chart and the activation states in the figures
admin-stats-chart-title = Last 30 days · { $zone }
admin-stats-chart-revenue = Revenue
admin-stats-chart-sold = Numbers sold
admin-stats-chart-caption = 📈 Revenue and numbers sold per day, last 30 days · { $zone }
admin-stats-chart-failed = ⚠️ The chart could not be drawn this time; the figures above are complete.
admin-state-reserving = being issued
admin-state-waiting = waiting
admin-state-cancelling = cancelling
admin-state-received = code received
admin-state-finished = finished
admin-state-cancelled = cancelled
admin-state-banned = already used
admin-state-expired = expired
admin-state-failed = not issued

## History: the shop's own memos, in the reader's language
history-memo-deleted-request = account deleted at your request
history-memo-deleted-inactive = account deleted after a long time unused
history-memo-refund-outside = refund request #{ $id }, paid back outside the bot
history-memo-refund-stars = refund request #{ $id }: { $stars } ⭐ back through Telegram
history-memo-rental-day = unavailable day { $day } refunded
history-memo-rental-revoked = taken away by the carrier, unused time refunded
history-memo-rental-extended = extended by { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    }
admin-status-active = active
admin-status-blocked = blocked
admin-status-deleted = deleted
admin-refund-status-none = none
admin-refund-status-pending = in progress
admin-refund-status-refunded = refunded
admin-hold-open = open
admin-hold-captured = captured
admin-hold-voided = voided
