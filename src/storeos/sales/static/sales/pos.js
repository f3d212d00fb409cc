// The till: scan or search, the cart, payments and checkout. The member and the server's prices
// (pos-member.js), coupons (pos-coupons.js), QR payments (pos-qr.js) and the offline queue
// (pos-queue.js) are modules this file hands its helpers to.
// Plain JS, no build step. Money is kept in integer cents (never floats) and sent as "12.30".
// A sale's order id is chosen here when the sale starts; the checkout API creates each order id
// once, so a sale queued offline and sent again later (or twice) lands exactly once.
(function () {
  "use strict";

  var root = document.getElementById("pos");
  if (!root) return;
  var config = JSON.parse(document.getElementById("pos-config").textContent);
  var T = config.text;
  var PREFIX = "storeos.pos." + config.storeId + ".";
  var CACHE_LIMIT = 500;
  var RECENT_LIMIT = 8;

  function $(id) { return document.getElementById(id); }
  var scan = $("pos-scan");
  var results = $("pos-results");
  var message = $("pos-message");
  var amountInput = $("pos-amount");
  var tenderedInput = $("pos-tendered");
  var referenceInput = $("pos-reference");
  var ageBox = $("pos-age-confirmed");

  // ---- text and money -------------------------------------------------------------------------

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  // "12.3" → 1230; NaN for anything that is not a plain amount with at most two decimals.
  function toCents(text) {
    var match = /^\s*(\d{1,9})(?:[.,](\d{0,2}))?\s*$/.exec(String(text === undefined ? "" : text));
    if (!match) return NaN;
    return parseInt(match[1], 10) * 100 + parseInt(((match[2] || "") + "00").slice(0, 2), 10);
  }

  function plain(cents) {
    var sign = cents < 0 ? "-" : "";
    var abs = Math.abs(cents);
    var rest = abs % 100;
    return sign + Math.floor(abs / 100) + "." + (rest < 10 ? "0" : "") + rest;
  }

  function money(cents) { return config.currency + plain(cents); }

  function say(text, kind) {
    message.textContent = text || "";
    message.className = "pos-message" + (kind ? " " + kind : "");
  }

  // ---- what the till remembers (localStorage: survives a reload and a lost network) -----------

  function load(name, fallback) {
    try {
      var raw = window.localStorage.getItem(PREFIX + name);
      return raw ? JSON.parse(raw) : fallback;
    } catch (err) {
      return fallback;
    }
  }

  function save(name, value) {
    try {
      window.localStorage.setItem(PREFIX + name, JSON.stringify(value));
    } catch (err) {
      say(String(err), "error");
    }
  }

  function newOrderId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    // Pages served over plain http on a shop LAN have no randomUUID: build a v4 UUID by hand.
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function newSale() {
    return { orderId: newOrderId(), lines: [], payments: [], ageConfirmed: false, startedAt: Date.now() };
  }

  var sale = load("sale", null) || newSale();
  var recent = load("recent", []);
  // Recently seen items: {items: {skuId: item}, keys: {CODE: skuId}, order: [skuId, …]}.
  var cache = load("items", null) || { items: {}, keys: {}, order: [] };
  var method = "cash";
  var amountTouched = false;
  var online = navigator.onLine !== false;
  var members = null; // pos-member.js: the member on the sale and the server's prices
  var coupons = null; // pos-coupons.js: the coupons on the sale
  var qr = null; // pos-qr.js: a QR payment on its way
  var waiting = null; // pos-queue.js: sales waiting to be sent

  function saveSale() { save("sale", sale); }

  function remember(item, typed) {
    var id = String(item.sku_id);
    cache.items[id] = item;
    [item.code, item.barcode, typed].forEach(function (key) {
      if (key) cache.keys[String(key).toUpperCase()] = item.sku_id;
    });
    cache.order = cache.order.filter(function (other) { return other !== id; });
    cache.order.push(id);
    while (cache.order.length > CACHE_LIMIT) {
      var dropped = cache.order.shift();
      delete cache.items[dropped];
      Object.keys(cache.keys).forEach(function (key) {
        if (String(cache.keys[key]) === dropped) delete cache.keys[key];
      });
    }
    save("items", cache);
  }

  function remembered(code) {
    var id = cache.keys[String(code).toUpperCase()];
    return id === undefined ? null : cache.items[String(id)] || null;
  }

  function rememberedMatching(text) {
    var needle = text.toUpperCase();
    return cache.order.slice().reverse().map(function (id) { return cache.items[id]; }).filter(function (item) {
      return item && (item.code.toUpperCase().indexOf(needle) === 0 ||
        item.name.toUpperCase().indexOf(needle) !== -1 || item.barcode === text);
    }).slice(0, 20);
  }

  // ---- talking to the server ------------------------------------------------------------------

  function csrfToken() {
    var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
    return match ? decodeURIComponent(match[1]) : config.csrfToken;
  }

  function setOnline(value) {
    if (online !== value) {
      online = value;
      if (waiting) waiting.renderNet();
      if (members) {
        members.sync();
        members.render(total());
      }
      if (coupons) coupons.render();
    }
  }

  // GET a till lookup. {ok, status, body} or {network: true} when the server is out of reach.
  function getJson(url, signal) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: signal })
      .then(function (response) {
        setOnline(true);
        return response.json().catch(function () { return {}; }).then(function (body) {
          return { ok: response.ok, status: response.status, body: body };
        });
      }, function (err) {
        if (err && err.name === "AbortError") throw err;
        setOnline(false);
        return { network: true };
      });
  }

  function errorText(body) {
    if (body && body.code && config.errors[body.code]) return config.errors[body.code];
    return (body && body.message) || T.refused;
  }

  function postJson(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      setOnline(true);
      return response.json().catch(function () { return {}; }).then(function (answer) {
        return { ok: response.ok, status: response.status, body: answer };
      });
    }, function () {
      setOnline(false);
      return { network: true };
    });
  }

  // POST one sale. Resolves to {kind: "ok" | "network" | "later" | "auth" | "refused", …}.
  function sendSale(entry) {
    return postJson(config.urls.checkout, entry.payload).then(function (answer) {
      if (answer.network) return { kind: "network" };
      var body = answer.body || {};
      if (answer.ok) return { kind: "ok", order: body };
      if (answer.status === 401) return { kind: "auth" };
      // A server error, a proxy with no server behind it, or an address that answers without a
      // code (the API not deployed yet): the sale is not refused, only not taken yet.
      if (answer.status >= 500 || answer.status === 408 || answer.status === 429 || !body.code) {
        return { kind: "later" };
      }
      return { kind: "refused", code: body.code, message: errorText(body) };
    });
  }

  // ---- the cart -------------------------------------------------------------------------------

  // The server's prices of the cart as it stands (promotions, member, coupons), else the till's.
  function pricedCart() { return members ? members.priced() : null; }

  function gifts() {
    var priced = pricedCart();
    return priced && priced.gifts ? priced.gifts : [];
  }

  function pricedLine(line) {
    var priced = pricedCart();
    return priced ? priced.lines[line.skuId] || null : null;
  }

  function lineTotal(line) {
    var priced = pricedLine(line);
    return priced ? priced.total : line.price * line.quantity;
  }

  function total() {
    var priced = pricedCart();
    if (priced) return priced.total;
    // (free gifts come only with the server's prices, and cost nothing)
    return sale.lines.reduce(function (sum, line) { return sum + lineTotal(line); }, 0);
  }

  function paid() {
    return sale.payments.reduce(function (sum, p) { return sum + p.amount; }, 0);
  }

  function needsAgeCheck() {
    return sale.lines.some(function (line) { return line.ageRestricted; });
  }

  function addItem(item, quantity) {
    quantity = quantity || 1;
    var line = sale.lines.find(function (other) { return other.skuId === item.sku_id; });
    if (line) {
      line.quantity = Math.min(line.quantity + quantity, 9999);
    } else {
      line = {
        skuId: item.sku_id, code: item.code, name: item.name, spec: item.spec || "",
        price: toCents(item.price), quantity: quantity, ageRestricted: !!item.age_restricted,
      };
      sale.lines.push(line);
    }
    sale.lastSkuId = item.sku_id;
    saveSale();
    render();
    say(fill(T.added, { name: item.name }), "ok");
  }

  function setQuantity(skuId, quantity) {
    sale.lines = sale.lines.map(function (line) {
      if (line.skuId === skuId) line.quantity = Math.max(0, Math.min(quantity, 9999));
      return line;
    }).filter(function (line) { return line.quantity > 0; });
    saveSale();
    render();
  }

  function startNewSale() {
    if (sale.qr) qr.stop();
    sale = newSale();
    scan.value = "";
    hideResults();
    amountTouched = false;
    ageBox.checked = false;
    amountInput.value = "";
    tenderedInput.value = "";
    referenceInput.value = "";
    saveSale();
    chooseMethod("cash");
    render();
  }

  // ---- scanning and searching -----------------------------------------------------------------

  var shown = [];
  var shownFor = null;
  var picked = -1;
  var searchTimer = null;
  var searchAbort = null;
  var searchSeq = 0;

  function showResults(items, note, forText) {
    shown = items;
    shownFor = forText;
    picked = items.length ? 0 : -1;
    results.innerHTML = "";
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.dataset.index = String(index);
      li.className = "pos-result";
      var name = document.createElement("span");
      name.className = "pos-result-name";
      name.textContent = item.name + (item.spec ? " · " + item.spec : "");
      var code = document.createElement("span");
      code.className = "pos-result-code muted";
      code.textContent = item.code;
      var price = document.createElement("span");
      price.className = "pos-result-price";
      price.textContent = money(toCents(item.price));
      li.append(name, code, price);
      results.appendChild(li);
    });
    if (note) {
      var info = document.createElement("li");
      info.className = "pos-result-note muted";
      info.textContent = note;
      results.appendChild(info);
    }
    results.hidden = !items.length && !note;
    markPicked();
  }

  function markPicked() {
    Array.prototype.forEach.call(results.querySelectorAll(".pos-result"), function (li, index) {
      li.setAttribute("aria-selected", index === picked ? "true" : "false");
    });
  }

  function hideResults() {
    shown = [];
    shownFor = null;
    picked = -1;
    results.hidden = true;
    results.innerHTML = "";
  }

  function cancelSearch() {
    clearTimeout(searchTimer);
    searchSeq += 1;
    if (searchAbort) searchAbort.abort();
    searchAbort = null;
  }

  function search(text) {
    cancelSearch();
    var seq = searchSeq;
    if (!online) {
      var local = rememberedMatching(text);
      showResults(local, local.length ? T.searchingOffline : T.noMatches, text);
      return;
    }
    searchAbort = window.AbortController ? new AbortController() : null;
    getJson(config.urls.search + "?q=" + encodeURIComponent(text), searchAbort && searchAbort.signal)
      .then(function (answer) {
        if (seq !== searchSeq) return;
        if (answer.network) {
          showResults(rememberedMatching(text), T.searchingOffline, text);
        } else if (answer.ok) {
          var items = answer.body.items || [];
          showResults(items, items.length ? "" : T.noMatches, text);
        } else {
          showResults([], errorText(answer.body), text);
        }
      }, function () { /* aborted: a newer search is on its way */ });
  }

  // "3*5702016616217" adds three.
  function parseScan(text) {
    var match = /^(\d{1,4})\s*[*xX]\s*(.+)$/.exec(text);
    return match ? { quantity: parseInt(match[1], 10), code: match[2].trim() } : { quantity: 1, code: text };
  }

  function addByCode(text) {
    var wanted = parseScan(text);
    if (wanted.quantity < 1) return;
    scan.value = "";
    hideResults();
    // A scanned coupon QR: checked by the server; a code that is no coupon is an item's after all.
    // The whole text is tried first: a code such as "3X6M…" is a coupon, not three of "6M…".
    if (coupons && coupons.looksLikeCoupon(text)) {
      coupons.add(text, function () { lookupItem(wanted); });
      return;
    }
    lookupItem(wanted);
  }

  function lookupItem(wanted) {
    var known = remembered(wanted.code);
    if (!online && known) {
      addItem(known, wanted.quantity);
      return;
    }
    if (!online) {
      // Maybe the network is back: ask, and fall back to what the till remembers.
      say(fill(T.notCached, { code: wanted.code }), "error");
    }
    getJson(config.urls.lookup + "?code=" + encodeURIComponent(wanted.code)).then(function (answer) {
      if (answer.network) {
        if (known) addItem(known, wanted.quantity);
        else say(fill(T.notCached, { code: wanted.code }), "error");
      } else if (answer.ok) {
        remember(answer.body.item, wanted.code);
        addItem(answer.body.item, wanted.quantity);
      } else if (answer.status === 404) {
        say(fill(T.notFound, { code: wanted.code }), "error");
      } else {
        say(errorText(answer.body), "error");
      }
    });
  }

  function pickShown(index, quantity) {
    var item = shown[index];
    if (!item) return;
    remember(item);
    scan.value = "";
    hideResults();
    addItem(item, quantity || 1);
    scan.focus();
  }

  scan.addEventListener("input", function () {
    var text = scan.value.trim();
    cancelSearch();
    if (text.length < 2) {
      hideResults();
      return;
    }
    // Scanners type a whole barcode and Enter within a few milliseconds: no search for them.
    searchTimer = setTimeout(function () { search(parseScan(text).code); }, 250);
  });

  scan.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!shown.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      picked = (picked + step + shown.length) % shown.length;
      markPicked();
    } else if (event.key === "Escape") {
      cancelSearch();
      hideResults();
    }
  });

  $("pos-scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = scan.value.trim();
    cancelSearch();
    if (!text) {
      if (sale.lines.length) focusPayment();
      return;
    }
    // The highlighted match of what is in the field wins (search puts an exact code first);
    // anything else (a scan faster than the search) is looked up exactly.
    var wanted = parseScan(text);
    if (shown.length && picked >= 0 && shownFor === wanted.code) {
      pickShown(picked, wanted.quantity);
      return;
    }
    addByCode(text);
  });

  results.addEventListener("click", function (event) {
    var li = event.target.closest(".pos-result");
    if (li) pickShown(parseInt(li.dataset.index, 10), parseScan(scan.value.trim()).quantity);
  });

  // ---- payments -------------------------------------------------------------------------------

  function remaining() { return total() - paid(); }

  function isQr(name) { return config.qrMethods.indexOf(name) !== -1; }

  function chooseMethod(name) {
    method = name;
    Array.prototype.forEach.call(document.querySelectorAll(".pos-method"), function (button) {
      button.setAttribute("aria-pressed", button.dataset.method === name ? "true" : "false");
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-for-method]"), function (field) {
      field.hidden = field.dataset.forMethod !== (isQr(name) ? "qr" : name);
    });
    $("pos-add-payment").hidden = isQr(name);
    renderPayment();
  }

  function focusPayment() {
    if (isQr(method)) $("pos-qr-start").focus();
    else (method === "cash" ? tenderedInput : method === "card" ? referenceInput : amountInput).focus();
    if (method === "points") amountInput.select();
  }

  // The payment being typed, checked; {error} when it cannot be taken as it stands.
  function pendingPayment() {
    var left = remaining();
    if (isQr(method)) return { error: sale.qr ? fill(T.qrWaiting, { amount: money(sale.qr.amount) }) : T.qrStart };
    var amount = toCents(amountInput.value);
    var tendered = method === "cash" && tenderedInput.value.trim() ? toCents(tenderedInput.value) : null;
    if (isNaN(amount) || amount <= 0) return { error: T.amountInvalid };
    if (method === "cash" && amount > left) {
      // The cashier typed what was handed over into the amount: it is cash tendered.
      tendered = tendered === null || isNaN(tendered) ? amount : Math.max(tendered, amount);
      amount = left;
    }
    if (amount > left) return { error: T.amountTooHigh };
    if (method === "points") {
      var refusal = members ? members.pointsRefusal(amount, total()) : T.pointsNeedMember;
      if (refusal) return { error: refusal };
    }
    if (tendered !== null && (isNaN(tendered) || tendered < amount)) return { error: T.tenderedTooLow };
    var reference = method === "card" ? referenceInput.value.trim() : "";
    if (method === "card" && !reference) return { error: T.referenceRequired };
    return { method: method, amount: amount, tendered: tendered, reference: reference };
  }

  function addPayment() {
    if (remaining() <= 0) return true;
    var payment = pendingPayment();
    if (payment.error) {
      say(payment.error, "error");
      return false;
    }
    sale.payments.push(payment);
    amountTouched = false;
    amountInput.value = "";
    tenderedInput.value = "";
    referenceInput.value = "";
    saveSale();
    render();
    return true;
  }

  document.querySelectorAll(".pos-method").forEach(function (button) {
    button.addEventListener("click", function () {
      chooseMethod(button.dataset.method);
      focusPayment();
    });
  });
  amountInput.addEventListener("input", function () {
    amountTouched = true;
    renderChange();
    if (members) members.renderPointsNeed(toCents(amountInput.value));
  });
  tenderedInput.addEventListener("input", renderChange);
  $("pos-add-payment").addEventListener("click", function () {
    if (addPayment()) scan.focus();
  });
  [amountInput, tenderedInput, referenceInput].forEach(function (input) {
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        completeSale();
      }
    });
  });
  $("pos-payments").addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-payment]");
    if (!button) return;
    sale.payments.splice(parseInt(button.dataset.removePayment, 10), 1);
    saveSale();
    render();
  });
  ageBox.addEventListener("change", function () {
    sale.ageConfirmed = ageBox.checked;
    saveSale();
    renderPayment();
  });

  // ---- completing a sale ----------------------------------------------------------------------

  function payloadOf(current) {
    var payload = {
      order_id: current.orderId,
      store_id: config.storeId,
      lines: current.lines.map(function (line) { return { sku_id: line.skuId, quantity: line.quantity }; }),
      payments: current.payments.map(function (p) {
        var out = { method: p.method, amount: plain(p.amount) };
        if (p.tendered !== null && p.tendered !== undefined) out.tendered = plain(p.tendered);
        if (p.reference) out.reference = p.reference;
        return out;
      }),
      age_confirmed: !!current.ageConfirmed,
    };
    if (config.shiftId) payload.shift_id = config.shiftId;
    if (current.member) payload.member_id = current.member.id;
    if (current.coupons && current.coupons.length) payload.coupon_codes = current.coupons.slice();
    return payload;
  }

  var submitting = false;
  var waitingForPrices = false;

  function completeSale() {
    if (submitting || waitingForPrices) return;
    if (!sale.lines.length) {
      say(T.emptyCart, "error");
      scan.focus();
      return;
    }
    if (needsAgeCheck() && !sale.ageConfirmed) {
      say(T.confirmAge, "error");
      ageBox.focus();
      return;
    }
    if (sale.coupons && sale.coupons.length && (!online || !navigator.onLine)) {
      say(T.couponOfflineSale, "error");
      return;
    }
    if (members && members.pending()) {
      // Prices (promotions, coupons) are on their way: complete once they are in.
      say(T.pricing);
      waitingForPrices = true;
      members.whenPriced().then(function () {
        waitingForPrices = false;
        completeSale();
      });
      return;
    }
    var usesPoints = sale.payments.some(function (p) { return p.method === "points"; }) ||
      (method === "points" && remaining() > 0);
    if (usesPoints && (!online || !navigator.onLine)) {
      say(T.pointsOffline, "error");
      return;
    }
    if (remaining() > 0 && !addPayment()) return;
    if (remaining() !== 0) {
      say(fill(T.notPaidYet, { left: money(remaining()) }), "error");
      return;
    }
    var entry = {
      orderId: sale.orderId,
      payload: payloadOf(sale),
      total: total(),
      units: sale.lines.reduce(function (sum, line) { return sum + line.quantity; }, 0),
      change: sale.payments.reduce(function (sum, p) {
        return sum + (p.tendered ? p.tendered - p.amount : 0);
      }, 0),
      member: sale.member ? { id: sale.member.id, code: sale.member.info.code } : null,
      cashierId: config.userId,
      cashierName: config.userName,
      at: new Date().toISOString(),
      status: "queued",
    };
    if (!navigator.onLine) {
      setOnline(false);
      if (entry.payload.coupon_codes) return say(T.couponOfflineSale, "error");
      waiting.add(entry, T.saleQueued);
      return;
    }
    submitting = true;
    say(T.sending);
    $("pos-complete").disabled = true;
    sendSale(entry).then(function (result) {
      submitting = false;
      $("pos-complete").disabled = false;
      if (result.kind === "ok") {
        finish(entry, result.order, false);
        waiting.sync();
      } else if (result.kind === "refused") {
        // Nothing was sold: the cashier fixes the cart (or the payments) and completes again.
        say(result.message, "error");
      } else if (entry.payload.coupon_codes) {
        // A coupon is redeemed only by the server, there and then: such a sale is not queued.
        if (result.kind === "auth") waiting.signedOut();
        say(result.kind === "network" ? T.couponOfflineSale : T.serverError, "error");
        render();
      } else {
        if (result.kind === "auth") waiting.signedOut();
        waiting.add(entry, result.kind === "network" ? T.saleQueued : T.serverError);
      }
    });
  }

  function addRecent(entry, order) {
    recent.unshift({
      orderId: entry.orderId,
      number: (order && order.number) || "",
      total: entry.total,
      at: entry.at,
    });
    recent = recent.slice(0, RECENT_LIMIT);
    save("recent", recent);
  }

  function receiptLink(orderId) {
    if (!config.urls.receipt) return document.createTextNode("");
    var link = document.createElement("a");
    link.href = config.urls.receipt.replace("__order__", orderId);
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = T.receipt;
    return link;
  }

  // `queued` is the note shown for a sale that went into the queue instead of to the server.
  function finish(entry, order, queued) {
    var last = $("pos-last");
    last.innerHTML = "";
    last.hidden = false;
    last.dataset.orderId = entry.orderId;
    last.className = "card pos-last " + (queued ? "queued" : "done");
    var head = document.createElement("p");
    head.className = "pos-last-head";
    head.textContent = (queued || T.saleDone) + " " + money(entry.total);
    last.appendChild(head);
    if (entry.change > 0) {
      var change = document.createElement("p");
      change.className = "pos-last-change";
      change.textContent = fill(T.changeDue, { change: money(entry.change) });
      last.appendChild(change);
    }
    if (!queued) {
      addRecent(entry, order);
      var line = document.createElement("p");
      line.textContent = ((order && order.number) || entry.orderId) + " · ";
      line.appendChild(receiptLink(entry.orderId));
      last.appendChild(line);
      if (members) members.afterSale(entry, order, last);
    }
    say("");
    startNewSale();
    scan.focus();
  }

  $("pos-complete").addEventListener("click", completeSale);
  $("pos-void").addEventListener("click", function () {
    if (sale.lines.length && !window.confirm(T.discardConfirm)) return;
    startNewSale();
    say("");
    scan.focus();
  });

  // ---- keyboard -------------------------------------------------------------------------------

  document.addEventListener("keydown", function (event) {
    if (event.key === "F2") {
      event.preventDefault();
      scan.focus();
    } else if (event.key === "F3") {
      event.preventDefault();
      if (members) members.focus();
    } else if (event.key === "F8") {
      event.preventDefault();
      if (coupons) coupons.focus();
    } else if (event.key === "F4") {
      event.preventDefault();
      focusPayment();
    } else if (event.key === "F9") {
      event.preventDefault();
      completeSale();
    } else if (event.key === "Escape" && document.activeElement !== scan) {
      scan.focus();
    }
  });

  // A tap anywhere that is not a field brings the cursor back to the scan field.
  document.addEventListener("click", function (event) {
    if (!event.target.closest("input, select, textarea, a, button, label, .topbar")) scan.focus();
  });

  // ---- drawing --------------------------------------------------------------------------------

  function button(label, className, data) {
    var el = document.createElement("button");
    el.type = "button";
    el.className = "button small " + className;
    el.textContent = label.text;
    if (label.title) {
      el.title = label.title;
      el.setAttribute("aria-label", label.title);
    }
    Object.keys(data || {}).forEach(function (key) { el.dataset[key] = data[key]; });
    return el;
  }

  function renderLines() {
    var body = $("pos-lines");
    body.innerHTML = "";
    sale.lines.forEach(function (line) {
      var row = document.createElement("tr");
      row.dataset.skuId = String(line.skuId);
      if (line.skuId === sale.lastSkuId) row.className = "current";
      var item = document.createElement("td");
      var name = document.createElement("div");
      name.className = "pos-line-name";
      name.textContent = line.name + (line.spec ? " · " + line.spec : "");
      var code = document.createElement("div");
      code.className = "muted";
      code.textContent = line.code;
      item.append(name, code);
      if (line.ageRestricted) {
        var badge = document.createElement("span");
        badge.className = "badge off";
        badge.textContent = T.ageRestricted;
        code.appendChild(document.createTextNode(" "));
        code.appendChild(badge);
      }
      var priced = pricedLine(line);
      if (priced) {
        priced.adjustments.forEach(function (adj) {
          var saving = document.createElement("div");
          saving.className = "pos-line-saving";
          saving.dataset.source = adj.source || "member";
          if (adj.id) saving.dataset.id = adj.id;
          saving.textContent = adj.label + " −" + money(adj.amount);
          item.appendChild(saving);
        });
      }
      var price = document.createElement("td");
      price.className = "num";
      price.textContent = money(priced ? priced.unitPrice : line.price);
      var qty = document.createElement("td");
      qty.className = "pos-qty";
      var input = document.createElement("input");
      input.type = "text";
      input.inputMode = "numeric";
      input.value = String(line.quantity);
      input.className = "pos-qty-input";
      input.setAttribute("aria-label", T.quantity + " " + line.name);
      input.dataset.skuId = String(line.skuId);
      qty.append(
        button({ text: "−", title: T.decrease }, "pos-minus", { step: "-1", skuId: line.skuId }),
        input,
        button({ text: "+", title: T.increase }, "pos-plus", { step: "1", skuId: line.skuId })
      );
      var amount = document.createElement("td");
      amount.className = "num pos-line-total";
      amount.textContent = money(lineTotal(line));
      var remove = document.createElement("td");
      remove.appendChild(button({ text: "×", title: T.remove + " " + line.name }, "pos-remove", { remove: line.skuId }));
      row.append(item, price, qty, amount, remove);
      body.appendChild(row);
    });
    gifts().forEach(function (gift) { body.appendChild(giftRow(gift)); });
    $("pos-empty").hidden = sale.lines.length > 0;
  }

  // A free gift the promotions added: marked, and not for the cashier to change or remove.
  function giftRow(gift) {
    var row = document.createElement("tr");
    row.className = "pos-gift";
    row.dataset.gift = String(gift.skuId);
    var item = document.createElement("td");
    var name = document.createElement("div");
    name.className = "pos-line-name";
    name.textContent = gift.name;
    var code = document.createElement("div");
    code.className = "muted";
    code.textContent = gift.code + " ";
    var badge = document.createElement("span");
    badge.className = "badge pos-gift-badge";
    badge.textContent = T.gift;
    code.appendChild(badge);
    item.append(name, code);
    gift.adjustments.forEach(function (adj) {
      if (!adj.amount) return;
      var saving = document.createElement("div");
      saving.className = "pos-line-saving";
      saving.dataset.source = adj.source || "gift";
      saving.textContent = adj.label + " −" + money(adj.amount);
      item.appendChild(saving);
    });
    var price = document.createElement("td");
    price.className = "num";
    price.textContent = money(gift.unitPrice);
    var qty = document.createElement("td");
    qty.className = "pos-qty";
    qty.textContent = String(gift.quantity);
    var amount = document.createElement("td");
    amount.className = "num pos-line-total";
    amount.textContent = money(gift.total);
    row.append(item, price, qty, amount, document.createElement("td"));
    return row;
  }

  $("pos-lines").addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) return;
    var skuId = parseInt(target.dataset.skuId || target.dataset.remove, 10);
    var line = sale.lines.find(function (other) { return other.skuId === skuId; });
    if (!line) return;
    if (target.dataset.remove) setQuantity(skuId, 0);
    else setQuantity(skuId, line.quantity + parseInt(target.dataset.step, 10));
    scan.focus();
  });

  $("pos-lines").addEventListener("change", function (event) {
    var input = event.target.closest(".pos-qty-input");
    if (!input) return;
    var quantity = /^\s*\d{1,4}\s*$/.test(input.value) ? parseInt(input.value, 10) : NaN;
    var skuId = parseInt(input.dataset.skuId, 10);
    if (isNaN(quantity)) {
      render();
      return;
    }
    setQuantity(skuId, quantity);
  });

  $("pos-lines").addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.closest(".pos-qty-input")) {
      event.preventDefault();
      event.target.blur();
      scan.focus();
    }
  });

  function renderChange() {
    var change = $("pos-change");
    var amount = toCents(amountInput.value);
    var tendered = toCents(tenderedInput.value);
    if (method === "cash" && !isNaN(amount) && !isNaN(tendered) && tendered >= amount) {
      change.textContent = fill(T.changeDue, { change: money(tendered - amount) });
    } else if (method === "cash" && !isNaN(amount) && amount > remaining() && remaining() > 0) {
      change.textContent = fill(T.changeDue, { change: money(amount - remaining()) });
    } else {
      change.textContent = "";
    }
  }

  function renderPayment() {
    var left = remaining();
    var offer = method === "points" && members ? members.pointsSuggest(left, total()) : left;
    if (!amountTouched) amountInput.value = offer > 0 ? plain(offer) : "";
    var list = $("pos-payments");
    list.innerHTML = "";
    sale.payments.forEach(function (p, index) {
      var li = document.createElement("li");
      var text = (T.methods[p.method] || p.method) + " " + money(p.amount);
      if (p.tendered) text += " (" + money(p.tendered) + ")";
      if (p.reference) text += " · " + p.reference;
      li.appendChild(document.createTextNode(text + " "));
      li.appendChild(button({ text: "×", title: T.remove }, "pos-remove-payment", { removePayment: String(index) }));
      list.appendChild(li);
    });
    $("pos-remaining").textContent = sale.payments.length && left > 0 ? fill(T.notPaidYet, { left: money(left) }) : "";
    $("pos-age").hidden = !needsAgeCheck();
    ageBox.checked = !!sale.ageConfirmed;
    $("pos-complete").disabled = submitting || !sale.lines.length || (needsAgeCheck() && !sale.ageConfirmed);
    renderChange();
    if (members) members.renderPointsNeed(toCents(amountInput.value));
  }

  function renderTotals() {
    var units = sale.lines.reduce(function (sum, line) { return sum + line.quantity; }, 0);
    $("pos-total").textContent = money(total());
    $("pos-total").dataset.cents = String(total());
    $("pos-count").textContent = units ? "· " + units + " " + T.items : "";
    var priced = pricedCart();
    var discount = $("pos-discount");
    discount.hidden = !(priced && priced.discount > 0);
    discount.textContent = priced && priced.discount > 0 ? T.discount + " −" + money(priced.discount) : "";
    var savings = $("pos-savings");
    savings.innerHTML = "";
    (priced && priced.discount > 0 ? priced.savings || [] : []).forEach(function (row) {
      var li = document.createElement("li");
      li.dataset.source = row.source || "";
      li.textContent = row.label + " −" + money(row.amount);
      savings.appendChild(li);
    });
    savings.hidden = !savings.children.length;
  }

  function renderRecent() {
    var list = $("pos-recent");
    list.innerHTML = "";
    recent.forEach(function (done) {
      var li = document.createElement("li");
      li.dataset.orderId = done.orderId;
      li.appendChild(document.createTextNode((done.number || done.orderId.slice(0, 8)) + " · " + money(done.total) + " · "));
      li.appendChild(receiptLink(done.orderId));
      list.appendChild(li);
    });
  }

  function render() {
    if (members) members.sync();
    renderLines();
    renderTotals();
    renderPayment();
    waiting.render();
    renderRecent();
    if (members) members.render(total());
    if (coupons) coupons.render();
  }

  waiting = window.StoreosPosQueue({
    config: config, T: T, $: $, fill: fill, money: money, load: load, save: save, prefix: PREFIX,
    button: button, sendSale: sendSale, addRecent: addRecent, finish: finish, render: render,
    isOnline: function () { return online; },
    setOnline: setOnline,
    focusScan: function () { scan.focus(); },
  });
  if (window.StoreosPosMember) {
    members = window.StoreosPosMember({
      config: config, T: T, $: $, fill: fill, money: money, toCents: toCents, say: say,
      load: load, save: save, getJson: getJson, postJson: postJson, errorText: errorText,
      sale: function () { return sale; },
      saveSale: saveSale,
      render: render,
      method: function () { return method; },
      chooseMethod: chooseMethod,
      isOnline: function () { return online && navigator.onLine !== false; },
      focusScan: function () { scan.focus(); },
      couponRefused: function (body) { return coupons ? coupons.refused(body) : false; },
    });
  }
  if (window.StoreosPosCoupons && members) {
    coupons = window.StoreosPosCoupons({
      config: config, T: T, $: $, fill: fill, money: money, say: say, errorText: errorText,
      sale: function () { return sale; },
      saveSale: saveSale,
      render: render,
      pricing: members,
      isOnline: function () { return online && navigator.onLine !== false; },
      focusScan: function () { scan.focus(); },
    });
  }
  qr = window.StoreosPosQr({
    config: config, T: T, $: $, fill: fill, money: money, toCents: toCents, plain: plain, say: say,
    getJson: getJson, postJson: postJson, errorText: errorText, newId: newOrderId,
    sale: function () { return sale; },
    saveSale: saveSale,
    method: function () { return method; },
    remaining: remaining,
    isOnline: function () { return online && navigator.onLine !== false; },
    focusScan: function () { scan.focus(); },
    // A confirmed QR payment joined the sale: the amount field offers what is left again.
    paid: function () {
      amountTouched = false;
      render();
      $("pos-complete").focus();
    },
  });
  chooseMethod("cash");
  if (sale.qr) {
    // A QR payment was waiting when the page was left: ask how it went.
    chooseMethod(sale.qr.method);
    qr.resume();
  }
  render();
  scan.focus();
  // A scan made while the page was still loading submitted the scan form without this script
  // (`?code=…`): add it now, and take it out of the address so a reload does not add it again.
  var early = new URLSearchParams(window.location.search);
  if (early.get("code")) {
    var code = early.get("code").trim();
    early.delete("code");
    window.history.replaceState(null, "", window.location.pathname + (early.toString() ? "?" + early : ""));
    if (code) addByCode(code);
  }
  waiting.sync();
})();
