## Тексты бота на русском. Сообщения в HTML: значения, введённые пользователем, экранирует код.

start-welcome =
    👋 Здравствуйте, { $name }!

    Здесь можно получить номер телефона, чтобы принять SMS с кодом подтверждения от сервиса — Telegram, WhatsApp, Google и других. Платите только за номера, на которые пришёл код.
start-welcome-back =
    👋 С возвращением, { $name }!

terms-summary =
    <b>Перед первой покупкой прочитайте главные правила:</b>

    • Номер, купленный для сервиса, принимает SMS только от этого сервиса. Он работает { $ttl ->
        [one] { $ttl } минуту
        [few] { $ttl } минуты
       *[many] { $ttl } минут
    }, и каждое SMS за это время будет показано вам.
    • Если код не пришёл или вы отменили заказ до его прихода, полная стоимость автоматически вернётся на баланс.
    • Когда код показан, номер считается выданным и не возвращается — даже если сервис позже заблокирует созданный с ним аккаунт.
    • Если номер не подошёл (например, он уже использован в сервисе), нажмите «Отменить» или «Номер уже использован» до прихода кода — деньги вернутся.
    • Много отмен за короткое время может на время приостановить покупки.
    • Ваши платежи и покупки хранятся в истории: её можно посмотреть в любой момент, но нельзя удалить.
    • Мы можем присылать новости и предложения; отключить их можно в настройках в любой момент.

    Полные правила: /rules
terms-ask = Вы принимаете эти правила?
terms-accept-button = ✅ Принимаю правила
terms-accepted = ✅ Спасибо! Теперь можно пополнить баланс и покупать номера.
terms-required = Сначала примите правила — это займёт минуту. /start

menu-title =
    <b>Главное меню</b>
    Баланс: <b>{ $balance }</b>

    Что вы хотите сделать?
menu-buy = 🛒 Купить номер
menu-rent = 📅 Арендовать номер
menu-topup = 💳 Пополнить
menu-balance = 💰 Баланс
menu-history = 📜 История
menu-settings = ⚙️ Настройки
menu-help = ❓ Помощь
menu-back = ⬅️ Главное меню

coming-soon = { $feature }: пока недоступно. Мы над этим работаем — спасибо за терпение.

balance-text =
    💰 <b>Ваш баланс</b>

    Доступно: <b>{ $available }</b>
balance-held = Зарезервировано за активные номера: { $held }
balance-frozen = ❄️ Ваш баланс заморожен.

help-text =
    <b>Как это работает</b>

    1. Пополните баланс.
    2. Выберите сервис (Telegram, WhatsApp, Google…) и страну.
    3. Вы получите номер телефона. Введите его в сервисе и запросите код.
    4. SMS появится здесь, в чате. Нет кода — нет оплаты: отмените заказ или дождитесь окончания срока, и деньги вернутся на баланс.

    Совет: в любой момент напишите название сервиса (например, <i>whatsapp</i>), чтобы купить для него номер.

    <b>Команды</b>
    /menu — главное меню
    /buy — купить номер (<code>/buy whatsapp</code> — сразу к WhatsApp)
    /orders — мои номера{ $active ->
        [0] {""}
        [one] : сейчас { $active } активный
        [few] : сейчас { $active } активных
       *[many] : сейчас { $active } активных
    }
    /rent — арендовать номер на дни
    /topup — пополнить баланс
    /balance — ваш баланс
    /history — платежи и покупки
    /settings — язык и новости
    /rules — правила сервиса
    /paysupport — помощь с оплатой
    /refundrequest — вернуть деньги на способ оплаты
    /cancel — выйти из текущего шага

rules-text =
    📜 <b>Правила сервиса</b>

    <b>Баланс</b>
    • Деньги на балансе не сгорают. Они теряются, только если вы сами удалите аккаунт, если аккаунт заблокирован по запросу правоохранительных органов (тогда баланс замораживается) или если аккаунтом не пользовались больше 9 месяцев (мы предупредим за 30 и за 7 дней).
    • Покупка оплачивается с баланса в момент покупки.
    • История платежей и покупок хранится и не может быть удалена.

    <b>Разовые номера</b>
    • Номер принимает SMS только от сервиса, для которого он куплен, в течение { $ttl ->
        [one] { $ttl } минуты
        [few] { $ttl } минут
       *[many] { $ttl } минут
    }.
    • Если код не пришёл до конца срока или вы отменили заказ до кода — полная стоимость автоматически вернётся на баланс.
    • «Отменить» или «Номер уже использован» (номер уже использован или заблокирован в сервисе) до прихода кода — деньги вернутся.
    • После того как код показан, номер считается выданным: возврата нет, в том числе если сервис позже заблокирует аккаунт.
    • Если SMS не пришло за 5 минут, мы напомним, что заказ можно отменить бесплатно. Много отмен без кода за короткое время на время приостанавливают покупки.
    • Операции, сделанные через ваши собственные неисправные программы, не возвращаются.

    <b>Аренда номеров</b>
    • Если арендованный номер не работает больше 24 часов, дни, когда он был недоступен, возвращаются на баланс — считая с момента вашего обращения.
    • Деньги также вернутся на баланс, если оператор связи отключил номер не по вашей вине или если мы не можем предоставить оплаченный номер.
    • Возврата нет, если вы сами досрочно завершили аренду работающего номера, если отказались предоставить документы, которых требует номер (это указано до заказа), или из-за неработающего определителя номера.

    <b>Возврат на способ оплаты</b>
    • Возможен, если оплаченный номер не удалось выдать, хотя он был в наличии, или если номер перестал работать по вине оператора и замены из той же страны нет.
    • Невозможен для неиспользованного остатка, случайного пополнения, если вы передумали или если сервис использовался с нарушениями.
    • Только за события последнего месяца. Отправьте запрос с сервисом, суммой, причиной и реквизитами для возврата; мы ответим в течение 2 рабочих дней.

    <b>Запрещено</b>
    • Незаконное использование, мошенничество, платные подписки, использование уязвимостей.
    • Банки, Qiwi и WebMoney не предлагаются; нет номеров и обслуживания для Ирана, Судана, Северной Кореи, Сирии, Кубы и Крыма.
    • Данные карт никогда не проходят через бота: оплата идёт через Telegram.

paysupport-text =
    💬 <b>Помощь с оплатой</b>

    Платежи проходят через Telegram. Если с оплатой что-то не так, отправьте одно сообщение, которое начинается с /paysupport и описывает проблему, например:
    <code>/paysupport Оплатил 100 звёзд в 14:05, но баланс не изменился</code>

    Укажите дату и сумму. Наша команда ответит здесь, в чате.
paysupport-sent = ✅ Ваше сообщение передано команде. Мы ответим здесь.
paysupport-unavailable = К сожалению, сейчас не удаётся связаться с поддержкой из бота. Попробуйте позже.
paysupport-admin-notice =
    💬 <b>Обращение по оплате</b>
    От: { $user } (id <code>{ $telegramId }</code>, аккаунт #{ $accountId })

    { $text }

    <i>Ответьте на это сообщение (кнопка «Ответить») или отправьте /reply #{ $accountId } текст.</i>

account-blocked =
    ⛔ Ваш аккаунт заблокирован.
    Причина: { $reason }
    Пока аккаунт заблокирован, нельзя покупать номера и пополнять баланс. Если вы считаете это ошибкой, напишите <code>/paysupport</code> и ваше сообщение одной строкой.
support-blocked-how = Напишите сообщение в той же строке, что и команду, например: <code>/paysupport С меня дважды списали один платёж</code>. Оно дойдёт до команды, а ответ придёт сюда.
account-blocked-short = ⛔ Ваш аккаунт заблокирован.
precheckout-blocked = Ваш аккаунт заблокирован, поэтому платёж не может быть принят.

error-generic = 😕 У нас что-то пошло не так. Попробуйте ещё раз через минуту; ваш баланс в сохранности.
button-expired = Эта кнопка больше не действует. Откройте /menu, чтобы продолжить.

settings-title =
    ⚙️ <b>Настройки</b>

    Язык: { $language }
    Новости и предложения: { $news }
settings-news-on = включены
settings-news-off = выключены
settings-language-button = 🌐 Язык: { $language }
settings-news-turn-off = 🔕 Отключить новости
settings-news-turn-on = 🔔 Включить новости
settings-language-choose = Выберите язык:
settings-language-set = ✅ Язык: русский
settings-news-updated = ✅ Сохранено.
language-name-en = English
language-name-ru = Русский

cmd-start = Начало и главное меню
cmd-menu = Главное меню
cmd-buy = Купить номер
cmd-rent = Арендовать номер
cmd-topup = Пополнить баланс
cmd-balance = Ваш баланс
cmd-history = Платежи и покупки
cmd-settings = Язык и новости
cmd-help = Как это работает
cmd-rules = Правила сервиса
cmd-paysupport = Помощь с оплатой
cmd-cancel = Выйти из текущего шага

cancel-nothing = Отменять нечего. /menu

provider-balance-low = ⚠️ Баланс у { $provider } заканчивается: { $balance } (порог оповещения { $threshold }). Пополните его, чтобы покупки не срывались.
provider-balance-exhausted = 🛑 Баланс у { $provider } закончился ({ $balance }). Покупки не пройдут, пока он не будет пополнен.
provider-balance-recovered = ✅ Баланс у { $provider } снова выше порога: { $balance }.

topup-title =
    💳 <b>Пополнение баланса</b>

    Оплата — звёздами Telegram. Выберите сумму — на кнопке указано, сколько поступит на баланс:
topup-button = { $stars } ⭐ → { $amount }
topup-custom-button = ✏️ Другая сумма
topup-ask-amount = Сколько звёзд вы хотите заплатить? Отправьте целое число от { $min } до { $max }. Чтобы выйти, отправьте /cancel.
topup-not-whole = Отправьте целое число звёзд, например 150, — от { $min } до { $max }.
topup-too-small = Минимальное пополнение — { $min } ⭐. Отправьте число побольше.
topup-too-large = Максимальное пополнение — { $max } ⭐. Отправьте число поменьше.
topup-invoice-title = Пополнение баланса
topup-invoice-description = На ваш баланс поступит { $amount }.
topup-invoice-label = Пополнение на { $amount }
topup-paid =
    ✅ Платёж получен: { $stars } ⭐.
    На баланс зачислено { $amount }.
    Баланс: <b>{ $balance }</b>
topup-paid-no-account = ✅ Мы получили ваш платёж, но не нашли аккаунт для зачисления. Команда уже знает об этом и всё исправит; можно также написать в /paysupport.
precheckout-unknown = Этот счёт недействителен. Откройте /topup и создайте новый.
precheckout-paid = Этот счёт уже оплачен. Откройте /topup, чтобы создать новый.
precheckout-expired = Срок этого счёта истёк. Откройте /topup, чтобы создать новый.
precheckout-amount = Сумма не совпадает со счётом. Откройте /topup, чтобы создать новый.
stars-no-account = 🛑 Платёж звёздами <code>{ $charge }</code> на { $stars } ⭐ от пользователя <code>{ $telegramId }</code> не зачислен: нет аккаунта. Зачислите вручную или верните платёж.
stars-unknown-payload = ⚠️ Платёж звёздами <code>{ $charge }</code> на { $stars } ⭐ от пользователя <code>{ $telegramId }</code> пришёл по неизвестному счёту; зачислено { $amount } по текущему курсу.
stars-unexpected-currency = ⚠️ Платёж от пользователя <code>{ $telegramId }</code> пришёл в валюте { $currency } (платёж <code>{ $charge }</code>); он не зачислен.
stars-reconcile-problem = ⚠️ Сверка платежей звёздами: { $problem }
unknown-message = Я не понял сообщение. Откройте /menu, чтобы увидеть, что я умею, или /help.
cancel-done = ✅ Остановлено. Откройте /menu, чтобы продолжить.

## История операций (POLICY B5)
history-title =
    📜 <b>История операций</b>
    Сначала новые, время: { $zone }.
history-page = Страница { $page } из { $pages }
history-empty =
    📜 <b>История операций</b>

    Здесь пока пусто. Пополнения, покупки и возвраты появятся здесь, как только они будут.
history-entry =
    { $date } · <b>{ $amount }</b>
    { $what } · баланс { $balance }
history-amount-in = +{ $amount }
history-amount-out = −{ $amount }
history-kind-topup = Пополнение
history-kind-purchase = Покупка
history-kind-refund = Возврат на баланс
history-kind-adjustment = Корректировка баланса магазином
history-kind-payment_refund = Возврат на ваш способ оплаты
history-kind-forfeit = Баланс аннулирован
history-what-memo = { $kind } — { $memo }
history-prev-button = ◀
history-next-button = ▶
history-csv-button = ⬇️ CSV
history-csv-caption = 📄 Вся ваша история операций: { $count ->
        [one] { $count } запись
        [few] { $count } записи
       *[many] { $count } записей
    }. Суммы — в { $currency }, время: { $zone }.
history-csv-empty = История пока пуста — скачивать нечего.
history-csv-date = Дата ({ $zone })
history-csv-kind = Тип
history-csv-description = Описание
history-csv-amount = Сумма
history-csv-balanceAfter = Баланс после операции
history-csv-currency = Валюта
history-csv-entryId = № записи
recovery-issued = 📱 Ваш номер { $service } ({ $country }) готов, хоть и с задержкой: <code>{ $phone }</code>. Откройте /orders, чтобы его увидеть.
recovery-failed = ↩️ Номер { $service } ({ $country }) выдать не удалось. Ничего не списано: { $amount } снова доступно на балансе.
abuse-suspended-admin = 🚫 Покупки для аккаунта #{ $account } приостановлены до { $until }: { $reason }.
job-item-failed = ⚠️ Задача { $job } не смогла обработать { $item } и продолжает работу с остальными: { $error }
purchase-operator-failure = 🛑 Покупки не проходят у поставщика по причине на стороне магазина ({ $reason }): { $details }. Пока это не исправлено, пользователи видят «временно недоступно».

## Покупка одноразового номера: выбор (buy-), карточка номера (card-), «Мои номера» (orders-)
buy-services-title =
    🛒 <b>Купить номер</b> · шаг 1 из 3

    Выберите сервис, от которого нужен код, или напишите часть его названия (например, <i>теле</i>).
buy-search-results = Найдено по запросу «{ $search }»: { $count }
buy-search-none = По запросу «{ $search }» ничего не нашлось. Вот самые популярные сервисы:
buy-all-services-button = ✖️ Показать все сервисы
buy-type-hint = Напишите часть названия сервиса или выберите его кнопкой выше. /cancel — выйти.
buy-nothing-on-sale = 😕 Сейчас номеров в продаже нет. Попробуйте через несколько минут.
buy-page = Страница { $page } из { $pages }
buy-prev-button = ◀
buy-next-button = ▶
buy-back-button = ⬅️ Назад
buy-countries-title =
    🛒 <b>{ $service }</b> · шаг 2 из 3

    Выберите страну. Сначала самые дешёвые; число — сколько номеров есть в наличии. Можно написать часть названия страны.
buy-country-button = { $country } · { $price } · { $stock } шт.
buy-service-sold-out = 😕 Номера для { $service } только что закончились. Выберите другой сервис или попробуйте позже.
buy-country-sold-out = 😕 Номера этой страны только что закончились. Выберите другую.
buy-confirm-title = 🛒 <b>Проверьте заказ</b> · шаг 3 из 3
buy-confirm-details =
    Сервис: <b>{ $service }</b>
    Страна: <b>{ $country }</b>
    Цена: <b>{ $price }</b>
    На балансе: { $balance }
buy-confirm-terms = Номер работает { $ttl ->
        [one] { $ttl } минуту
        [few] { $ttl } минуты
       *[many] { $ttl } минут
    }. Если код не придёт или вы отмените номер до кода, деньги вернутся на баланс.
buy-confirm-button = ✅ Подтвердить · { $price }
buy-short-of-money = 💳 На балансе не хватает <b>{ $missing }</b>. Пополните его и возвращайтесь.
buy-topup-button = 💳 Пополнить
buy-stale-button = Эта кнопка из старого списка. Воспользуйтесь последним сообщением или начните заново: /buy.
buy-getting-number = Получаем номер…
buy-in-progress = ⏳ Получаем номер у поставщика…
buy-already-placed = Этот заказ уже оформлен.
buy-pending =
    ⏳ Поставщик отвечает медленно. Номер уже в пути: мы завершим покупку сами и пришлём его сюда.
    Если выдать номер не получится, деньги вернутся на баланс.
buy-failed-earlier = Этот заказ не удалось выполнить, деньги не списаны. Начните заново: /buy.
buy-no-money =
    💳 <b>Не хватает денег</b>

    Номер стоит { $price }, на балансе доступно { $balance }: не хватает <b>{ $missing }</b>.
buy-out-of-stock = 😕 Номера этой страны только что закончились. Деньги не списаны. Можно выбрать другую страну:
buy-not-offered = 😕 Этот номер больше не продаётся. Деньги не списаны. Можно выбрать другую страну:
buy-account-inactive = ⛔ С вашего аккаунта сейчас нельзя покупать номера. Если это ошибка, напишите в /paysupport.
buy-unavailable = 😕 Покупка номеров временно недоступна. Деньги не списаны. Попробуйте позже.
buy-provider-timeout = 😕 Поставщик не ответил вовремя, номер не выдан. Деньги не списаны. Попробуйте ещё раз:
buy-failed = 😕 Поставщик не смог выдать этот номер. Деньги не списаны. Можно выбрать другую страну:
buy-other-countries-button = 🌍 Другие страны
buy-order-expired = ⌛ Это подтверждение устарело: цены и наличие могли измениться. Выберите номер заново.
buy-price-changed = 💱 Цена этого номера изменилась: теперь { $price }. Ничего не списано. Выберите номер заново, чтобы увидеть новую цену.
buy-suspended =
    ⛔ Покупка номеров для вашего аккаунта приостановлена до { $until }.
    Причина: слишком много номеров отменено без кода за короткое время. Баланс в сохранности, уже купленными номерами можно пользоваться.
buy-suspended-now =
    ⛔ Вы отменили много номеров без кода за короткое время, поэтому покупка приостановлена до { $until }.
    Баланс в сохранности; после этого времени покупать снова можно.

card-title = 📱 <b>{ $service }</b> · { $country }
card-number = Номер: <code>{ $phone }</code>
card-price = Цена: { $price }
card-state = Статус: { $state }
card-expires = Действует до { $time } · { $minutes ->
        [0] заканчивается
        [one] осталась { $minutes } минута
        [few] осталось { $minutes } минуты
       *[many] осталось { $minutes } минут
    }
card-state-reserving = ⏳ выдаётся
card-state-waiting = ⏳ ждём SMS
card-state-cancelling = ⏳ отменяется
card-state-received = ✅ код получен
card-state-finished = ✔️ завершён
card-state-cancelled = ↩️ отменён, деньги возвращены
card-state-banned = 🚫 отмечен как уже использованный, деньги возвращены
card-state-expired = ⌛ истёк без кода, деньги возвращены
card-state-failed = ❌ не выдан, ничего не списано
card-sms-none = Введите этот номер в { $service } и запросите код: SMS появится здесь.
card-sms-title = <b>Получено SMS: { $count }</b>
card-sms-earlier = (более ранние — в сообщениях выше)
card-sms-with-code = 🔑 <code>{ $code }</code> — { $text }
card-sms-text = ✉️ { $text }
card-hint-received = Нужен ещё один код? Нажмите «📩 Ещё SMS». Всё готово? Нажмите «✅ Завершить».
card-cancel-button = ❌ Отменить
card-ban-button = 🚫 Номер уже использован
card-another-button = 📩 Ещё SMS
card-finish-button = ✅ Завершить
card-cancelled-refunded = ↩️ Номер <code>{ $phone }</code> отменён. На баланс возвращено { $amount }.
card-banned-refunded = 🚫 Спасибо, что сообщили: номер <code>{ $phone }</code> больше не будет выдаваться. На баланс возвращено { $amount }.
card-expired-refunded = ⌛ Код на <code>{ $phone }</code> ({ $service }) так и не пришёл, срок номера истёк. На баланс возвращено { $amount }.
card-ended-refunded = ↩️ Поставщик закрыл номер <code>{ $phone }</code> ({ $service }) до прихода кода. На баланс возвращено { $amount }.
card-not-found = Этого номера нет среди ваших заказов. Ваши номера — в /orders.
card-too-early = Поставщик разрешает отменить этот номер только с { $time }. Попробуйте ещё раз в это время.
card-has-code = На этот номер уже пришёл код, поэтому он считается выданным: отменить его и вернуть деньги нельзя.
card-ended = Этот номер уже завершён.
card-busy = Номер уже отменяется. Минутку…
card-not-yet-issued = Номер ещё выдаётся. Попробуйте через минуту.
card-temporary = Поставщик не ответил. Ничего не изменилось — попробуйте через минуту.
card-no-code-yet = Код ещё не пришёл. Если номер не нужен, его можно отменить с полным возвратом денег.
card-another-requested = Запросили ещё одно SMS. Оно появится здесь.
card-another-refused = Поставщик не принял запрос ещё одного SMS.
card-finished = ✅ Готово. Спасибо!
card-finish-refused = Поставщик не принял запрос. Попробуйте через минуту.
card-reminder =
    ⏳ На номер <code>{ $phone }</code> ({ $service }) пока не пришло ни одного SMS.
    Если сервис так и не пришлёт код, номер можно отменить — вся сумма вернётся на баланс.
card-sms-new = 📩 <b>Новое SMS</b> на <code>{ $phone }</code> · { $service }
card-sms-new-code =
    Код: <code>{ $code }</code>

    { $text }
card-sms-new-text = { $text }

orders-title =
    📱 <b>Мои номера</b>
    Сначала новые, время: { $zone }.
orders-page = Страница { $page } из { $pages }
orders-empty =
    📱 <b>Мои номера</b>

    Вы ещё не покупали номеров.
orders-entry =
    <b>{ $service }</b> · { $country } · { $date }
    <code>{ $phone }</code> · { $state } · { $price }
orders-codes = Коды: { $codes }
orders-sms-count = SMS: { $count }
orders-open-button = 📱 Открыть { $phone }
cmd-orders = Мои номера

broadcast-usage = Отправьте <code>/broadcast текст</code> или ответьте <code>/broadcast</code> на сообщение, чтобы разослать его копию всем подписчикам.
broadcast-started = 📣 Рассылка #{ $id } запущена. Получателей: { $total }; пропущено: { $skipped } (отказались от новостей или заблокировали бота).
broadcast-progress = 📣 Рассылка: отправлено { $sent } / { $total } (заблокировали { $blocked }, ошибок { $failed })
broadcast-cancel-button = ✖️ Отменить рассылку
broadcast-report-done =
    ✅ <b>Рассылка завершена</b>
    Отправлено: { $sent } / { $total }
    Заблокировали бота: { $blocked }
    Ошибок: { $failed }
    Пропущено: { $skipped }
broadcast-report-cancelled =
    ✖️ <b>Рассылка отменена</b>
    Отправлено: { $sent } / { $total }
    Не отправлено: { $unsent }
    Заблокировали бота: { $blocked }
    Ошибок: { $failed }
    Пропущено: { $skipped }
broadcast-not-running = Эта рассылка уже закончилась.
broadcast-cancelled = Рассылка отменена.
account-delete-button = 🗑 Удалить мой аккаунт
account-delete-confirm =
    🗑 <b>Удалить аккаунт?</b>

    Ваш баланс { $balance } сгорит: его нельзя будет восстановить или вернуть.
    История операций сохраняется, как того требуют правила, а ваше имя и имя пользователя в Telegram удаляются.
    Если вы снова напишете боту, у вас будет новый, пустой аккаунт.
account-delete-confirm-button = 🗑 Да, удалить аккаунт
account-delete-keep-button = ⬅️ Нет, оставить
account-delete-open-holds = У вас есть номера в работе. Сначала завершите или отмените их, затем удалите аккаунт.
account-delete-done = Ваш аккаунт удалён. Сгорело: { $forfeited }. Спасибо, что пользовались ботом.
account-delete-gone = Этот аккаунт больше не существует.
inactivity-warning =
    ⏳ Вы давно не пользовались ботом. Неиспользуемые аккаунты удаляются через 9 месяцев.
    Ваш аккаунт будет удалён { $date }, через { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    }, а его баланс { $balance } сгорит.
    Чтобы сохранить его, просто откройте /menu до этого срока.

## Команды администраторов (admin-): их видят только администраторы
admin-cmd-refund = Вернуть деньги за активацию
admin-cmd-credit = Начислить на баланс
admin-cmd-debit = Списать с баланса
admin-cmd-block = Заблокировать (баланс заморожен)
admin-cmd-unblock = Разблокировать
admin-cmd-user = Найти пользователя
admin-cmd-order = Всё об активации
admin-cmd-stats = Статистика
admin-cmd-ledger = Проверить учёт
admin-cmd-audit = Последние действия администраторов
admin-usage-refund = Формат: <code>/refund ID_АКТИВАЦИИ причина</code> — причина обязательна. <code>/refund ID_АКТИВАЦИИ force причина</code> вернёт деньги и за номер, на который пришёл код или которому больше месяца.
admin-usage-credit = Формат: <code>/credit ПОЛЬЗОВАТЕЛЬ СУММА причина</code>, например <code>/credit @alice 2.50 компенсация</code>. ПОЛЬЗОВАТЕЛЬ — id аккаунта (#12), Telegram id или @username. СУММА — не больше { $max }.
admin-usage-debit = Формат: <code>/debit ПОЛЬЗОВАТЕЛЬ СУММА причина</code>, например <code>/debit 12 1.00 исправление</code>. ПОЛЬЗОВАТЕЛЬ — id аккаунта (#12), Telegram id или @username. СУММА — не больше { $max }.
admin-usage-block = Формат: <code>/block ПОЛЬЗОВАТЕЛЬ причина</code> — блокирует аккаунт и замораживает баланс.
admin-usage-unblock = Формат: <code>/unblock ПОЛЬЗОВАТЕЛЬ</code>
admin-usage-user = Формат: <code>/user ПОЛЬЗОВАТЕЛЬ</code> — id аккаунта (#12), Telegram id или @username.
admin-usage-order = Формат: <code>/order ID_АКТИВАЦИИ</code> или <code>/order +77001234567</code> (номер, как его видит пользователь на карточке)
admin-usage-stats = Формат: <code>/stats</code>
admin-usage-ledger = Формат: <code>/ledger</code>
admin-usage-audit = Формат: <code>/audit</code> или <code>/audit N</code> (от 1 до 100 записей, по умолчанию 20).
admin-user-label = #{ $id } ({ $name }, tg <code>{ $telegramId }</code>)
admin-user-not-found = Пользователь { $ref } не найден.
admin-user-ambiguous = { $ref } указывает на двух разных пользователей (id аккаунта и Telegram id). Напишите <code>#{ $ref }</code> для id аккаунта или используйте @username.
admin-account-deleted = Этот аккаунт удалён: ничего не изменено.
admin-duplicate = Эта команда уже выполнена; ничего не изменилось.
admin-user-not-told = (Пользователю ничего не сообщили: аккаунт удалён.)
admin-order-not-found = Активации #{ $id } нет.
admin-refund-released = ✅ Активация #{ $id } завершена до кода: резерв { $amount } освобождён для { $user }.
admin-refund-done = ✅ Деньги за активацию #{ $id } возвращены: { $amount } для { $user }.
admin-refund-already = За активацию #{ $id } деньги уже возвращены; ничего не изменилось.
admin-refund-not-charged = Активация #{ $id } завершилась без кода: ничего не списано, возвращать нечего.
admin-refund-busy = Активация #{ $id } сейчас меняется. Попробуйте через минуту.
admin-credit-done = ✅ Начислено { $amount } для { $user }. Доступно: { $available }.
admin-debit-done = ✅ Списано { $amount } у { $user }. Доступно: { $available }.
admin-debit-short = ❌ Не списано: у { $user } доступно { $available }, не хватает { $missing }.
admin-block-done = ⛔ { $user } заблокирован, баланс заморожен. Причина: { $reason }
admin-block-already = { $user } уже заблокирован; ничего не изменилось.
admin-unblock-done = ✅ { $user } разблокирован.
admin-unblock-not-blocked = { $user } не заблокирован; ничего не изменилось.
admin-notice-refunded =
    ↩️ Магазин вернул { $amount } за номер { $phone } ({ $service }).
    Причина: { $reason }
    Баланс: <b>{ $balance }</b>
admin-notice-credited =
    💰 Магазин начислил на ваш баланс { $amount }.
    Причина: { $reason }
    Баланс: <b>{ $balance }</b>
admin-notice-debited =
    💰 Магазин списал с вашего баланса { $amount }.
    Причина: { $reason }
    Баланс: <b>{ $balance }</b>
admin-notice-unblocked = ✅ Ваш аккаунт разблокирован: вы снова можете покупать номера и пополнять баланс. /menu
admin-user-card =
    👤 <b>Пользователь</b> { $user }
    Имя: { $name } · язык { $language } · статус <b>{ $status }</b>
    Регистрация { $created } · последний визит { $seen } (UTC)
    Баланс: проведено { $posted } · в резерве { $held } · доступно <b>{ $available }</b>
    За всё время: пополнения { $topups } · покупки { $purchases } · возвраты { $refunds } · корректировки { $adjustments }
    Активаций: { $activations }
admin-user-blocked = ⛔ Заблокирован: { $reason }
admin-user-frozen = ❄️ Баланс заморожен.
admin-user-activations-title = <b>Последние активации</b>
admin-user-activation-line = #{ $id } · { $date } · { $service } · { $country } · { $state } · { $price }
admin-user-payments-title = <b>Последние платежи</b>
admin-user-payment-line = { $date } · { $stars } ⭐ → { $amount } · возврат: { $refund }
admin-order-card =
    🧾 <b>Активация #{ $id }</b> · <b>{ $state }</b>
    Пользователь: { $user }
    { $service } · { $country } · <code>{ $phone }</code>
    Поставщик: { $provider } · id <code>{ $providerId }</code>
    Цена { $price } · себестоимость { $cost }
    Резерв: { $hold }
    Создана { $created } · истекает { $expires } · завершена { $ended } (UTC)
    Причина завершения: { $endReason }
admin-order-sms-title = <b>SMS: { $count }</b>
admin-order-sms-line = ✉️ { $date } · код { $code } · { $text }
admin-order-money-title = <b>Деньги</b>
admin-order-entry = запись { $id } · { $date } · { $kind } · { $amount } · { $memo }
admin-stats-title = 📊 <b>Статистика</b> · сутки от полуночи, { $zone }
admin-stats-today = Сегодня
admin-stats-week = За 7 дней
admin-stats-month = За 30 дней
admin-stats-period =
    <b>{ $title }</b>
    ⭐ Получено звёзд: { $stars } (платежей: { $starPayments }) · возвращено: { $starsBack } (платежей: { $starRefunds })
    Пополнения: { $topups } ({ $topupCount })
    Продажи: { $sales } ({ $salesCount }) · номера: { $numbers } ({ $numbersAmount }) · аренда: { $rentals }, продления: { $extensions } ({ $rentalsAmount })
    Возвраты на баланс: { $refunds } ({ $refundCount }) · на способ оплаты: { $paymentRefunds } ({ $paymentRefundCount })
    Расходы у поставщика: { $cost } · маржа после возвратов: <b>{ $margin }</b>
    Номера: { $outcomes }
    Успешность: { $rate } (код пришёл на { $withCode } из { $issued } номеров)
    Активные пользователи: { $active } · новые: { $newUsers }
admin-stats-provider-balance = Баланс у поставщика ({ $provider }): { $balance }
admin-stats-provider-unavailable = Баланс у поставщика ({ $provider }): недоступен ({ $reason })
admin-ledger-ok = ✅ Учёт в порядке: каждый баланс сходится с записями и резервами.
admin-ledger-problems = ❌ Ошибки в учёте: { $count }
admin-audit-title = 🗒 <b>Последние действия администраторов: { $count }</b> (UTC, новые сверху)
admin-audit-empty = Действий администраторов пока нет.
admin-audit-line = { $id }. { $date } · админ <code>{ $admin }</code> · <b>{ $action }</b> · { $target } · { $amount } · { $reason }
admin-debit-frozen = ❄️ Не списано: баланс { $user } заморожен, пока аккаунт заблокирован. Начислять можно, списывать нельзя.
admin-cmd-broadcast = Рассылка всем подписчикам
topup-found-later = ✅ Мы нашли ваш платёж на { $stars } ⭐, который до нас не дошёл: на баланс зачислено { $amount }.

## Ответы поставщика: рост цены, сбои на стороне магазина, непонятные ответы (providers)
buy-price-rose =
    💱 Поставщик поднял цену этого номера. Ничего не списано.

    Сервис: <b>{ $service }</b>
    Страна: <b>{ $country }</b>
    Новая цена: <b>{ $price }</b>
    Ваш баланс: { $balance }
purchase-price-rise = 💱 Поставщик поднял стоимость { $service } в стране { $country } до { $cost } (в валюте поставщика). Теперь предложение стоит { $price }; пользователей просят подтвердить новую цену.
provider-operator-failure = 🛑 Поставщик отклоняет запросы магазина в задаче { $job } по причине на стороне магазина ({ $reason }): { $details }. Нужно вмешательство оператора.
card-cancel-unclear = Ответ поставщика непонятен. Мы уточняем у него: если номер завершён, деньги вернутся сами, и мы сообщим об этом.
card-finish-unclear = Ответ поставщика непонятен, поэтому номер пока остаётся открытым. Попробуйте «Завершить» ещё раз через минуту.

## Money paths (issue 10): payments of blocked accounts, admin amount limits, /refund overrides
topup-paid-frozen = ✅ Платёж получен: { $stars } ⭐. На баланс зачислено { $amount }, но ваш аккаунт заблокирован, поэтому баланс заморожен до снятия блокировки. Если есть вопросы, напишите в /paysupport.
stars-paid-while-blocked = ❄️ Платёж звёздами <code>{ $charge }</code> на { $stars } ⭐ от пользователя <code>{ $telegramId }</code> (аккаунт #{ $account }) пришёл уже после блокировки: { $amount } зачислено на замороженный баланс. Верните его, если деньги не должны оставаться.
admin-amount-over-limit = ⛔ Не выполнено: админ может начислить или списать не больше { $max }, и начисление не может поднять баланс { $user } выше этой суммы (ADMIN_MAX_AMOUNT).
admin-refund-code-delivered = ⛔ Возврата нет: на активацию #{ $id } пришёл код, значит услуга оказана (правило A4). Чтобы всё же вернуть деньги, скажите это явно: <code>/refund { $id } force причина</code> (это попадёт в журнал действий).
admin-refund-too-old = ⛔ Возврата нет: активации #{ $id } больше месяца (правило W4). Чтобы всё же вернуть деньги, скажите это явно: <code>/refund { $id } force причина</code> (это попадёт в журнал действий).
admin-refund-account-deleted = ⛔ Возврата нет: аккаунт активации #{ $id } удалён, а на удалённый аккаунт деньги не возвращаются никогда.

## ---------------------------------------------------------------- Аренда номеров на дни (POLICY L1-L5)

rent-not-offered = 📅 Аренда номеров на дни сейчас недоступна. Разовые номера — в разделе «Купить номер».
rent-no-offers = 📅 Сейчас нет номеров для аренды. Загляните чуть позже.
rent-choose-service = 📅 <b>Аренда номера на дни</b>
    Номер ваш на весь срок: каждое SMS на него придёт в этот чат.
    Выберите сервис, для которого он нужен:
rent-choice-button = { $name } · { $price }
rent-choose-country = Сервис: { $service }
    Выберите страну номера:
rent-documents-legend = 🪪 — для номеров этой страны нужны документы, удостоверяющие личность.
rent-choose-period = Сервис: { $service }
    Страна: { $country }
    На какой срок?
rent-documents-notice = 🪪 <b>Документы.</b> Оператор номеров этой страны требует документы, удостоверяющие личность. Если вы арендуете номер и не предоставите их, деньги за аренду не вернутся.
rent-period-days = { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[many] { $days } дней
}
rent-period-hours = { $hours ->
    [one] { $hours } час
    [few] { $hours } часа
   *[many] { $hours } часов
}
rent-left-days = { $days ->
    [one] остался { $days } день
    [few] осталось { $days } дня
   *[many] осталось { $days } дней
}
rent-left-hours = { $hours ->
    [one] остался { $hours } час
    [few] осталось { $hours } часа
   *[many] осталось { $hours } часов
}
rent-left-minutes = { $minutes ->
    [one] осталась { $minutes } минута
    [few] осталось { $minutes } минуты
   *[many] осталось { $minutes } минут
}
rent-any-service = 🌐 Любой сервис
rent-any-terms = 🌐 <b>Номер для любого сервиса</b> принимает SMS от всех отправителей весь срок аренды. Его нельзя использовать для банков, Qiwi и WebMoney, платных подписок и чего-либо противозаконного. Такое использование нарушает правила магазина, и деньги за него не возвращаются.
rent-confirm = 📅 <b>Аренда номера</b>
    Сервис: { $service }
    Страна: { $country }
    Срок: { $period }
    Цена: <b>{ $price }</b>, списывается, когда номер арендован
    Аренда до: { $until } · { $left }
    Ваш баланс: { $balance }
rent-rules = <b>Важно знать</b>
    • Отмена в течение { $minutes ->
        [one] { $minutes } минуты
        [few] { $minutes } минут
       *[many] { $minutes } минут
    }, пока не пришло ни одного SMS, — и вся сумма вернётся.
    • Если номер перестал работать, сообщите нам: дни простоя сверх 24 часов вернём на баланс, считая от вашего сообщения.
    • Если оператор связи отберёт номер, неиспользованное время вернём сразу.
    • Досрочное завершение по вашему желанию не возвращает деньги, и неработающий определитель номера при исходящих звонках — не причина для возврата.
rent-confirm-button = ✅ Арендовать · { $price }
rent-in-progress = ⏳ Арендуем номер…
rent-pending = ⏳ Поставщик ещё не ответил. Деньги остаются зарезервированы, пока всё не выяснится; мы напишем в любом случае.
rent-out-of-stock = 😕 Таких номеров для аренды сейчас нет. Ничего не списано.
rent-failed = 😕 Арендовать номер не удалось. Ничего не списано.
rent-quote-expired = ⌛ Это предложение устарело. Выберите заново, чтобы увидеть текущую цену.
rent-stale-button = Эта кнопка устарела. Откройте «📅 Арендовать номер» заново.
rent-card-title = 📅 <b>Арендованный номер</b> · { $service } · { $country }
rent-card-number = Номер: <code>{ $phone }</code>
rent-card-state = Статус: { $state }
rent-state-reserving = ⏳ арендуется
rent-state-active = ✅ активен
rent-state-cancelling = ⏳ отменяется
rent-state-ending = ⏳ завершается
rent-state-expired = ⌛ срок аренды истёк
rent-state-finished = ⏹ завершён досрочно
rent-state-cancelled = ↩️ отменён, деньги возвращены
rent-state-revoked = 📵 отозван оператором связи, неиспользованное время возвращено
rent-state-failed = ✖️ не арендован, ничего не списано
rent-card-until = Аренда до { $until } · { $left }
rent-card-ended-at = Завершён { $until }
rent-card-sms-none = SMS пока нет. Каждое придёт сюда отдельным сообщением.
rent-card-sms-title = { $count ->
    [one] Получено { $count } SMS:
    [few] Получено { $count } SMS:
   *[many] Получено { $count } SMS:
}
rent-sms-line = { $when }: { $text }
rent-sms-line-code = { $when }: <code>{ $code }</code> — { $text }
rent-card-cancel-hint = Отменить с полным возвратом ещё можно до { $time }, пока не пришло ни одного SMS.
rent-card-problem-open = ⚠️ Вы сообщили о проблеме { $when }; администраторы разбираются.
rent-card-problem-confirmed = ⚠️ Подтверждено, что номер не работает с { $when }: дни сверх первых 24 часов возвращаются.
rent-extend-button = ➕ Продлить
rent-inbox-button = 📥 Входящие
rent-report-button = ⚠️ Номер не работает
rent-end-button = ⏹ Завершить аренду
rent-cancel-button = ❌ Отменить (полный возврат)
rent-keep-button = ⬅️ Оставить номер
rent-end-yes = ⏹ Да, завершить сейчас
rent-report-yes = ⚠️ Да, не работает
rent-sms-new = 📩 SMS на <code>{ $phone }</code> ({ $service }, { $country }) от { $from }
rent-not-found = Эта аренда не найдена.
rent-not-active = Эта аренда уже не активна.
rent-cancelled = ↩️ Аренда { $phone } отменена. { $amount } вернулись на баланс.
rent-cancel-window-closed = Время для отмены с полным возвратом прошло. Аренду можно завершить, но неиспользованное время не возвращается.
rent-cancel-has-sms = На этот номер уже пришло SMS, поэтому отменить его с возвратом нельзя.
rent-cancel-refused-now = Поставщик больше не разрешает отменить этот номер. Он остаётся вашим до конца срока.
rent-end-ask = ⏹ <b>Завершить аренду <code>{ $phone }</code> сейчас?</b>
    Она оплачена до { $until }. При досрочном завершении неиспользованное время <b>не возвращается</b>, а номер вернуть будет нельзя.
    Если номер не работает, лучше сообщите о проблеме.
rent-ended = ⏹ Аренда { $phone } завершена. Номер больше не принимает SMS для вас.
rent-end-pending = ⏳ Поставщик ещё не подтвердил. Завершим, как только он ответит.
rent-report-ask = ⚠️ <b>Номер <code>{ $phone }</code> не работает?</b>
    Мы запишем время вашего сообщения и известим администраторов. Если номер не работает дольше 24 часов, дни простоя вернутся на баланс, считая от этого момента.
    Неработающий определитель номера при исходящих звонках — не причина для возврата.
rent-reported = ✅ Спасибо. Сообщение записано, администраторы извещены.
rent-report-duplicate = Ваше сообщение о проблеме уже записано.
rent-extend-not-active = Продлить можно только активную аренду.
rent-inbox-title = 📥 <b>Входящие <code>{ $phone }</code></b> ({ $service }, { $country }) — { $count } SMS
rent-inbox-empty = SMS пока нет.
rent-extend-choose = ➕ <b>Продление <code>{ $phone }</code></b>
    Аренда до { $until }. Добавить:
rent-extend-none = Сейчас этот номер продлить нельзя.
rent-extend-refused = 😕 Поставщик не может продлить этот номер (достигнут предел или номер больше не работает). Ничего не списано.
rent-extend-confirm = ➕ <b>Продление <code>{ $phone }</code></b>
    Добавить: { $period }
    Цена: <b>{ $price }</b>
    Новый срок: до { $until } · { $left }
    Ваш баланс: { $balance }
rent-extend-confirm-button = ✅ Продлить · { $price }
rent-extended = ✅ <code>{ $phone }</code> продлён до { $until }. Списано { $price }.
rent-extend-pending = ⏳ Поставщик ещё не ответил. Деньги зарезервированы, пока не станет ясно, продлён ли номер.
rent-mine-empty = Вы ещё не арендовали ни одного номера.
rent-mine-title = 📅 <b>Ваши арендованные номера</b>
rent-mine-entry = { $service } · { $country }
    <code>{ $phone }</code> — { $state }, до { $until }
rent-recovered = ✅ Арендованный номер <code>{ $phone }</code> ({ $service }, { $country }) готов. Откройте его через /rentals.
rent-recovery-failed = 😕 Номер ({ $service }, { $country }) так и не удалось арендовать. Зарезервированные { $amount } снова свободны на балансе.
rent-cancel-refused = Поставщик отказал в отмене <code>{ $phone }</code> (пришло SMS или время вышло). Номер остаётся вашим до конца срока; возврата нет.
rent-revoked = 📵 Оператор связи отобрал номер <code>{ $phone }</code> ({ $service }, { $country }). Это не ваша вина: неиспользованное время, { $amount }, вернулось на баланс.
rent-revoked-nothing-left = 📵 Оператор связи отобрал номер <code>{ $phone }</code> ({ $service }, { $country }). Оплаченное время уже было использовано или возвращено.
rent-expired = ⌛ Аренда <code>{ $phone }</code> ({ $service }, { $country }) закончилась. Номер больше не принимает SMS для вас.
rent-extended-later = ✅ <code>{ $phone }</code> продлён до { $until }.
rent-extend-refused-later = 😕 Поставщик не продлил <code>{ $phone }</code>. Ничего не списано.
rent-problem-confirmed = ⚠️ Администраторы подтвердили, что <code>{ $phone }</code> не работает. Дни простоя сверх первых 24 часов вернутся на баланс, считая от вашего сообщения.
rent-problem-dismissed = Администраторы проверили <code>{ $phone }</code>: номер работает, возврата нет. Если сбой повторится, сообщите снова.
rent-problem-resolved = ✅ <code>{ $phone }</code> снова работает. Возвращено за дни простоя: { $amount }.
rent-problem-days-refunded = ↩️ <code>{ $phone }</code> всё ещё не работает: { $amount } вернулись на баланс (пока за { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[many] { $days } дней
}).
rent-admin-refund = ↩️ Администраторы вернули { $amount } за <code>{ $phone }</code> ({ $days ->
    [one] { $days } день
    [few] { $days } дня
   *[many] { $days } дней
}). Причина: { $reason }
rent-reminder = ⏰ Аренда <code>{ $phone }</code> ({ $service }, { $country }) закончится { $until } ({ $left }). Продлите, чтобы сохранить номер.
rent-problem-admin = ⚠️ Проблема аренды #{ $problem }: пользователь #{ $user } сообщает, что аренда #{ $rental } ({ $phone }) не работает. См. /rentproblems.
rent-extension-unknown = ❓ Продление #{ $extension } аренды #{ $rental }: ответ поставщика потерян, а { $why ->
        [end] срок, который он показывает, не совпадает ни со старым, ни с продлённым (другой часовой пояс или формат?)
       *[other] срок аренды он не показывает
    }. Деньги зарезервированы, бот продолжает спрашивать; проверьте у поставщика.
admin-rental = Аренда #{ $id } · пользователь #{ $user } · { $phone }
    { $service } · { $country } · { $state }
    Начало { $started }, конец { $ends } · SMS: { $sms }
    Оплачено { $paid }, возвращено { $refunded } · { $provider }
admin-rental-not-found = Аренды #{ $id } нет.
admin-rental-problem = Проблема #{ $id }: { $state }, сообщено { $reported }, возвращено дней: { $days }
admin-rent-problems-none = Открытых проблем аренды нет.
admin-rent-problem-entry = ⚠️ Проблема #{ $id } ({ $state }), сообщено { $reported }, возвращено дней: { $days }
admin-rent-problem-confirm = ✅ Подтвердить: не работает
admin-rent-problem-dismiss = ✖️ Отклонить
admin-rent-problem-working = 🔧 Снова работает
admin-rent-problem-not_found = Такого сообщения о проблеме нет.
admin-rent-problem-already_decided = По этому сообщению уже есть решение.
admin-rent-problem-not_confirmed = Отметить «снова работает» можно только подтверждённую проблему.
admin-rent-problem-decided = Проблема #{ $id } теперь { $state }. Возвращено сейчас: { $amount }.
admin-rentrefund-not_found = Аренды #{ $id } нет.
admin-rentrefund-nothing_left = По аренде #{ $id } возвращать больше нечего.
admin-rentrefund-bad_days = Число дней должно быть целым и больше нуля.
admin-rentrefund-done = Возвращено { $amount } за { $days ->
        [one] { $days } день
        [few] { $days } дня
       *[many] { $days } дней
    } аренды #{ $id }. Записано в журнал действий.
admin-usage-rental = Как использовать: /rental <номер аренды>
admin-usage-rentrefund = Как использовать: /rentrefund <номер аренды> <дней> <причина>
admin-stats-rentals = 📅 Аренда сейчас: активных { $live } · открытых жалоб: { $problems }
admin-cmd-rental = Найти аренду номера
admin-cmd-rentproblems = Открытые проблемы аренды
admin-cmd-rentrefund = Вернуть дни аренды
rent-card-button = 📅 Показать номер

## Refunds to the payment method (POLICY W1-W6) and support both ways (issue 12)
help-support-button = 💬 Поддержка
help-refund-button = ↩️ Вернуть деньги
refund-screen-title = ↩️ <b>Возврат денег на способ оплаты</b>
    Деньги с баланса можно вернуть тем же способом, которым вы платили, — за платежи последнего месяца. Команда решает в течение 2 рабочих дней; пока заявка открыта, её сумма зарезервирована на балансе.
refund-screen-line = №{ $id } · { $amount } · { $status }
refund-new-button = ➕ Новая заявка
refund-withdraw-numbered-button = ✖️ Отозвать №{ $id }
refund-withdraw-button = ✖️ Отозвать заявку
refund-status-open = ждёт решения
refund-status-approving = возвращаем
refund-status-approved = возвращено
refund-status-refused = отказано
refund-status-withdrawn = отозвана
refund-nothing = Возвращать нечего: нет платежей за последний месяц, деньги от которых ещё есть на балансе. Возврат возможен только за платежи последнего месяца.
refund-use-buttons = Пожалуйста, воспользуйтесь кнопками выше или отправьте /cancel, чтобы прервать.
refund-cancelled = Прервано, ничего не отправлено. Откройте /menu, чтобы продолжить.
refund-cancel-button = ✖️ Отмена
refund-pick-payment = Какой платёж вернуть? Показаны только платежи последнего месяца.
refund-payment-button = { $stars } ⭐ · { $date } · { $amount }
refund-ask-amount = Этот платёж пополнил баланс на { $credited }. Можно вернуть до <b>{ $refundable }</b> (сколько ещё доступно). Нажмите кнопку, чтобы вернуть всё, или отправьте сумму.
refund-amount-all-button = Всё: { $amount }
refund-bad-amount = Отправьте сумму больше нуля и не больше { $refundable }, например 1,50.
refund-ask-reason = Почему вы хотите вернуть деньги?
refund-reason-not_provided = Оплаченный номер не смогли выдать
refund-reason-carrier_failure = Номер перестал работать по вине оператора
refund-reason-changed_mind = Передумал(а), услуга больше не нужна
refund-reason-accidental = Баланс пополнен по ошибке
refund-reason-left_unused = Остались деньги после отказа от услуг
refund-reason-misunderstood = Сервис работает не так, как я ожидал(а)
refund-reason-other = Другое
refund-ask-reason-text = Опишите причину одним сообщением.
refund-w2-warning = { $reason ->
        [changed_mind] ⚠️ По нашим правилам платёж не возвращается, если вы передумали.
        [accidental] ⚠️ По нашим правилам случайное пополнение не возвращается.
        [left_unused] ⚠️ По нашим правилам деньги, оставшиеся на балансе после отказа от услуг, не возвращаются: они остаются на балансе и не сгорают.
       *[misunderstood] ⚠️ По нашим правилам платёж не возвращается, если причина — неверное понимание того, как работает сервис.
    }
    Деньги остаются на балансе, их можно потратить в любое время. Заявку всё равно можно отправить: команда её прочтёт.
refund-send-anyway-button = 📨 Всё равно отправить
refund-ask-service = Какой услуги это касается?
refund-no-service-button = Не какой-то одной услуги
refund-summary =
    <b>Ваша заявка на возврат</b>
    Платёж: { $stars } ⭐ от { $date }
    Сумма: <b>{ $amount }</b> (зарезервирована на балансе, пока заявка открыта)
    Причина: { $reason }
    Подробности: { $note }
    Услуга: { $service }
    Отправить?
refund-confirm-button = ✅ Отправить заявку
refund-filed = 📨 Заявка №{ $id } отправлена. { $amount } зарезервировано на балансе, пока команда не примет решение — в течение 2 рабочих дней. Ответ придёт сюда.
refund-not-filed-not_offered = Этот платёж больше нельзя вернуть. Откройте /refundrequest, чтобы увидеть, что можно.
refund-not-filed-account_not_active = С вашего аккаунта нельзя запросить возврат.
refund-not-filed-already_requested = По этому платежу уже есть открытая заявка.
refund-not-filed-bad_amount = Такую сумму по этому платежу вернуть нельзя.
refund-not-filed-insufficient_funds = Баланс тем временем изменился и больше не покрывает эту сумму. Начните заново.
refund-withdrawn = Заявка №{ $id } отозвана; { $amount } снова доступно на балансе.
refund-withdraw-in-progress = По этой заявке как раз идёт возврат, отозвать её уже нельзя.
refund-withdraw-closed = Эта заявка уже закрыта.
refund-left = осталось { $hours } ч
refund-overdue-by = просрочено на { $hours } ч
refund-refusal-changed_mind = если вы передумали, это не причина для возврата
refund-refusal-accidental = случайное пополнение не возвращается
refund-refusal-left_unused = деньги, оставшиеся после отказа от услуг, остаются на балансе
refund-refusal-misunderstood = неверное понимание работы сервиса — не причина для возврата
refund-refusal-documents = вы отказались предоставить документы
refund-refusal-unlawful = сервис использовался против закона или правил
refund-refusal-restrictions = ограничения номера не были соблюдены
refund-refusal-caller_id = неработающий определитель номера — не причина для возврата
refund-user-approved-stars = ✅ Заявка на возврат №{ $id } одобрена: { $stars } ⭐ вернулись на ваш счёт в Telegram, с баланса списано { $amount }.
refund-user-recorded-outside = ✅ Заявка на возврат №{ $id } одобрена: { $amount } вернули вам вне бота и списали с баланса.
refund-user-refused = ❌ В заявке на возврат №{ $id } отказано: { $decision }. { $amount } снова доступно на балансе.
refund-admin-approve-button = ✅ Одобрить
refund-admin-refuse-button = ❌ Отказать
refund-admin-whole-button = ↩️ Вернуть весь платёж
refund-admin-outside-button = 🧾 Возвращено вне бота
refund-admin-new =
    ↩️ <b>Заявка на возврат №{ $id }</b> от { $user }
    Платёж: { $stars } ⭐ (<code>{ $charge }</code>) от { $paid }, зачислено { $credited }
    Просит: <b>{ $amount }</b> · причина: { $reason } · { $note } · услуга: { $service }
    С тех пор: покупок { $purchases } на { $spent }, возвратов на баланс { $refunded }
    Решить до { $deadline } ({ $left }).
refund-admin-request = { refund-admin-new }
    Статус: { $status }
refund-admin-due-soon = ⏰ Заявку на возврат №{ $id } от { $user } ({ $amount }) нужно решить до { $deadline } ({ $left }).
refund-admin-overdue = 🚨 Срок по заявке на возврат №{ $id } от { $user } ({ $amount }) истёк { $deadline } ({ $left }).
refund-admin-telegram-refused = ⚠️ Telegram отказал в возврате по заявке №{ $id } ({ $amount }): { $detail }. Деньги остаются в резерве, заявка открыта.
refund-admin-list-empty = Открытых заявок на возврат нет.
refund-admin-list-title = ↩️ <b>Открытые заявки на возврат: { $count }</b> (сначала старые)
refund-admin-list-line = №{ $id } · { $user } · { $amount } · { $reason } · { $status } · { $left }
refund-admin-not-found = Заявки на возврат №{ $id } нет.
refund-admin-refuse-pick = По какой причине отказать в заявке №{ $id }? Или напишите свою: <code>/refuse { $id } причина</code>
refund-admin-done-refunded_stars = ✅ Заявка №{ $id }: { $stars } ⭐ возвращены через Telegram; с баланса { $user } списано { $amount }.
refund-admin-done-recorded_outside = ✅ Заявка №{ $id }: записана как возвращённая вне бота; с баланса { $user } списано { $amount }.
refund-admin-done-refused = ❌ В заявке №{ $id } отказано ({ $decision }); { $amount } освобождено для { $user }.
refund-admin-done-withdrawn = Заявку №{ $id } отозвал пользователь.
refund-admin-partial = Заявка №{ $id } просит { $amount }, а Telegram возвращает только платёж целиком ({ $stars } ⭐ = { $credited }). Баланс покрывает весь платёж: верните его целиком или запишите возврат, сделанный вне бота.
refund-admin-partial-uncovered = Заявка №{ $id } просит { $amount }, а Telegram возвращает только платёж целиком ({ $stars } ⭐ = { $credited }), и баланс весь платёж не покрывает. Запишите возврат, сделанный вне бота, или откажите.
refund-admin-telegram-said-no = ⚠️ Telegram отказал в возврате по заявке №{ $id }: { $detail }. Ничего не изменилось, заявка открыта.
refund-admin-not-done-pending = ⏳ Заявка №{ $id }: Telegram не ответил определённо. Бот спрашивает снова каждую минуту и проведёт возврат один раз.
refund-admin-not-done-in_progress = ⏳ По заявке №{ $id } как раз идёт возврат, больше ничего делать не нужно.
refund-admin-not-done-not_found = Заявки на возврат №{ $id } нет.
refund-admin-not-done-not_open = Заявка №{ $id } уже закрыта, ничего не изменилось.
refund-admin-not-done-account_deleted = Заявка №{ $id }: аккаунт удалён, вернуть ничего нельзя.
refund-admin-not-done-account_blocked = Заявка №{ $id }: аккаунт заблокирован, баланс заморожен (B2); пока это так, вернуть ничего нельзя.
refund-admin-not-done-insufficient_funds = Заявка №{ $id }: баланс больше не покрывает весь платёж.
admin-usage-refuse = Формат: <code>/refuse ID_ЗАЯВКИ причина</code>
admin-stats-payment-refunds = Возвраты на способы оплаты за 30 дней: { $amount } ({ $count })
support-text-only = Напишите сообщение текстом или отправьте /cancel.
support-thread-title = <b>Ваша переписка с нами</b>
support-thread-you = { $date } · вы: { $text }
support-thread-user = { $date } · пользователь: { $text }
support-thread-team = { $date } · команда: { $text }
support-write-now = ✍️ Напишите сообщение — оно уйдёт нашей команде.
support-user-answer =
    💬 <b>Ответ нашей команды</b>

    { $text }
support-admin-sent = ✅ Отправлено #{ $id }.
support-admin-no-user = Этого аккаунта больше нет, отвечать некому.
support-admin-reply-usage = Формат: <code>/reply ПОЛЬЗОВАТЕЛЬ текст</code> или <code>/thread ПОЛЬЗОВАТЕЛЬ</code> (ПОЛЬЗОВАТЕЛЬ: #12, Telegram id или @username). Или ответьте на сообщение поддержки (кнопка «Ответить»).
support-admin-thread-title = 💬 <b>Переписка с #{ $id }</b>: { $count ->
        [one] { $count } сообщение
        [few] { $count } сообщения
       *[many] { $count } сообщений
    }
admin-cmd-refunds = Открытые заявки на возврат
admin-cmd-refuse = Отказать в заявке на возврат
admin-cmd-reply = Ответить пользователю в поддержке
admin-cmd-thread = Переписка пользователя с поддержкой
cmd-refundrequest = Возврат на способ оплаты

## A shop people come back to (ux): fewer taps, favourites, finding a country, resuming after a top-up
menu-orders = 📱 Мои номера
menu-orders-active = 📱 Мои номера · { $count ->
        [one] { $count } активный
        [few] { $count } активных
       *[many] { $count } активных
    }
buy-quick-hint = ⭐ Избранные и 🕘 недавние сервисы — в начале списка.
buy-countries-title-stock =
    🛒 <b>{ $service }</b> · шаг 2 из 3

    Выберите страну. Сначала те, где номеров больше всего. Можно написать часть названия страны.
buy-country-search-results = Страны по запросу «{ $search }»: { $count }
buy-country-search-none = Ни одна страна этого сервиса не подходит под «{ $search }». Вот все страны:
buy-sort-stock-button = 📦 Сначала где больше
buy-sort-price-button = 💲 Сначала дешевле
buy-star-button = ☆ В избранное
buy-unstar-button = ★ В избранном
buy-starred = ⭐ { $service } в избранном: он будет первым в списке.
buy-unstarred = { $service } больше не в избранном.
buy-watch-button = 🔔 Сообщить, когда появятся
buy-watch-set = 🔔 Пришлём одно сообщение, когда номера этой страны снова появятся.
buy-retry-button = 🔁 Попробовать ещё раз
buy-provider-unreadable = 😕 Поставщик ответил так, что мы не смогли разобрать ответ, номер не выдан. Деньги не списаны. Попробуйте ещё раз:
buy-resume-title = 🛒 <b>Ваш заказ ждёт</b>
buy-resume-gone = 😕 Номер, для которого вы пополняли баланс, больше не продаётся. Баланс готов для другого номера.
topup-for-order = После оплаты вы вернётесь к заказу: для него не хватает <b>{ $missing }</b>.
card-buy-again-button = 🔁 Купить ещё
card-same-service-button = 🌍 Другая страна
stock-back = 🔔 Номера { $service } для страны { $country } снова в продаже.
stock-back-button = 🛒 Купить
card-cancel-from-button = ❌ Отменить с { $time }
card-refresh-button = 🔄 Обновить
card-refreshed = Обновлено.
settings-time-zone = Часовой пояс: { $zone }
settings-time-zone-button = 🕒 Часовой пояс: { $zone }
settings-time-zone-choose = Выберите часовой пояс — в нём бот показывает время на карточках номеров, в истории и в заявках:
tz-0 = UTC
tz-1 = Лондон
tz-2 = Берлин, Париж
tz-3 = Киев
tz-4 = Москва
tz-5 = Дубай
tz-6 = Ташкент
tz-7 = Алматы
tz-8 = Индия
tz-9 = Пекин
tz-10 = Нью-Йорк
tz-11 = Лос-Анджелес
admin-cmd-unsuspend = Снять паузу на покупки (A6)
admin-usage-unsuspend = Как использовать: <code>/unsuspend ПОЛЬЗОВАТЕЛЬ</code> — разрешает покупать раньше, чем закончится пауза за отмены.
admin-unsuspend-done = ✅ { $user } снова может покупать: пауза снята.
admin-unsuspend-none = У { $user } нет паузы на покупки, ничего не изменилось.
admin-notice-unsuspended = ✅ Покупка номеров снова доступна: ограничение снято. /buy
broadcast-preview = 📣 <b>Предпросмотр</b> · получателей: { $total }. Так будет выглядеть сообщение:
broadcast-preview-plain = (Telegram не смог разобрать форматирование, поэтому сообщение уйдёт простым текстом.)
broadcast-preview-copy = 📣 <b>Предпросмотр</b> · получателей: { $total }. Сообщение выше будет скопировано им без изменений.
broadcast-send-button = ✅ Отправить · { $total }
broadcast-discard-button = ✖️ Не отправлять
broadcast-discarded = Не отправлено.
bot-description =
    Номера телефонов для SMS с кодом подтверждения от Telegram, WhatsApp, Google и сотен других сервисов, во многих странах.

    Вы платите только за номер, на который пришёл код: нет кода или вы отменили номер до кода — деньги возвращаются на баланс. Пополнение — звёздами Telegram.
bot-short-description = Номера для SMS с кодом. Нет кода — нет оплаты. Пополнение звёздами Telegram.
admin-order-phone-none = Нет активаций с номером { $phone }.
admin-order-phone-title = <b>Активации номера { $phone }: { $count }</b> (сначала новые; самая новая — полностью ниже)

## /stats: график и состояния номеров в цифрах
admin-stats-chart-title = Последние 30 дней · { $zone }
admin-stats-chart-revenue = Выручка
admin-stats-chart-sold = Продано номеров
admin-stats-chart-caption = 📈 Выручка и проданные номера по дням за последние 30 дней · { $zone }
admin-stats-chart-failed = ⚠️ График сейчас построить не удалось; цифры выше — полные.
admin-state-reserving = выдаётся
admin-state-waiting = ждёт SMS
admin-state-cancelling = отменяется
admin-state-received = код получен
admin-state-finished = завершён
admin-state-cancelled = отменён
admin-state-banned = уже использован
admin-state-expired = истёк
admin-state-failed = не выдан

## История: записи, которые делает сам магазин, — на языке читателя
history-memo-deleted-request = аккаунт удалён по вашей просьбе
history-memo-deleted-inactive = аккаунт удалён после долгого бездействия
history-memo-refund-outside = заявка на возврат №{ $id }, деньги возвращены вне бота
history-memo-refund-stars = заявка на возврат №{ $id }: { $stars } ⭐ возвращены через Telegram
history-memo-rental-day = возвращён день недоступности № { $day }
history-memo-rental-revoked = номер отозван оператором связи, неиспользованное время возвращено
history-memo-rental-extended = продление на { $hours ->
        [one] { $hours } час
        [few] { $hours } часа
       *[many] { $hours } часов
    }
admin-status-active = активен
admin-status-blocked = заблокирован
admin-status-deleted = удалён
admin-refund-status-none = нет
admin-refund-status-pending = идёт
admin-refund-status-refunded = возвращён
admin-hold-open = открыт
admin-hold-captured = списан
admin-hold-voided = снят
