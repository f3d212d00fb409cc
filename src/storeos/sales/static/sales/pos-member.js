// Members at the till: find a member by code or phone (F3), show them on the sale, points as a
// payment, points after a sale; and the server's prices of the cart (promotions, the member's
// price, coupons), asked again whenever the cart, the member or the coupons change.
// Loaded before pos.js, which calls window.StoreosPosMember(ctx) with its own helpers.
// Points can only be paid online; a member attached from an earlier lookup still earns offline,
// with member prices estimated from their discount rate until the server checks them.
(function () {
  "use strict";

  var MEMBER_CACHE_LIMIT = 50;
  var PRICE_DELAY_MS = 120;

  // "0.05" → 500 (ten-thousandths, as the programme's rates are stored); NaN when not a rate.
  function rate4(text) {
    var match = /^\s*(\d{1,6})(?:\.(\d*))?\s*$/.exec(String(text === undefined ? "" : text));
    if (!match) return NaN;
    return parseInt(match[1], 10) * 10000 + parseInt(((match[2] || "") + "0000").slice(0, 4), 10);
  }

  // cents × rate, rounded half up to a cent (both integers, so no float error below 2^53).
  function share(cents, rate) { return Math.floor((cents * rate + 5000) / 10000); }

  window.StoreosPosMember = function (ctx) {
    var config = ctx.config;
    var T = ctx.T;
    var $ = ctx.$;
    var input = $("pos-member");
    var card = $("pos-member-card");
    var pointsButton = document.querySelector(".pos-method[data-method=points]");
    var cache = ctx.load("members", {});
    var priceTimer = null;
    var priceSeq = 0;
    var pricingKey = null;

    function sale() { return ctx.sale(); }
    function current() { return sale().member || null; }

    // ---- finding and attaching ----------------------------------------------------------------

    function cacheKey(text) { return String(text || "").trim().toUpperCase(); }

    // Only member codes are remembered: a phone number is not kept in the browser.
    function remember(found) {
      cache[cacheKey(found.member.code)] = { member: found.member, programme: found.programme, at: Date.now() };
      var keys = Object.keys(cache).sort(function (a, b) { return cache[b].at - cache[a].at; });
      keys.slice(MEMBER_CACHE_LIMIT).forEach(function (key) { delete cache[key]; });
      ctx.save("members", cache);
    }

    function attach(found, note) {
      var s = sale();
      s.member = { id: found.member.id, info: found.member, programme: found.programme };
      s.priced = null;
      ctx.saveSale();
      input.value = "";
      ctx.say(note || ctx.fill(T.memberAttached, { name: found.member.name || found.member.code }), note ? "" : "ok");
      ctx.render();
      ctx.focusScan();
    }

    function detach() {
      var s = sale();
      s.member = null;
      s.priced = null;
      s.payments = s.payments.filter(function (p) { return p.method !== "points"; });
      ctx.saveSale();
      if (ctx.method() === "points") ctx.chooseMethod("cash");
      ctx.say(T.memberDetached, "ok");
      ctx.render();
      ctx.focusScan();
    }

    function lookup(text) {
      text = String(text || "").trim();
      if (!text) return;
      var known = cache[cacheKey(text)];
      if (!ctx.isOnline() && known) {
        attach(known, T.memberCached);
        return;
      }
      ctx.say(T.memberSearching);
      ctx.getJson(config.urls.member + "?q=" + encodeURIComponent(text)).then(function (answer) {
        if (answer.network) {
          if (known) attach(known, T.memberCached);
          else ctx.say(T.memberOffline, "error");
        } else if (answer.ok) {
          remember(answer.body);
          attach(answer.body);
        } else {
          ctx.say(ctx.errorText(answer.body), "error");
          input.select();
        }
      });
    }

    $("pos-member-form").addEventListener("submit", function (event) {
      event.preventDefault();
      lookup(input.value);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        input.value = "";
        ctx.focusScan();
      }
    });
    card.addEventListener("click", function (event) {
      if (event.target.closest("#pos-member-detach")) detach();
    });

    // ---- the server's prices ------------------------------------------------------------------
    // Every cart is priced by the server while the till is online (promotions, the member's
    // price, coupons); offline, the till estimates: list prices less the member's discount.

    function coupons(s) { return s.coupons || []; }

    function cartKey(s, codes) {
      if (!s.lines.length) return null;
      return (s.member ? s.member.id : "-") + "|" + (codes || coupons(s)).join("+") + "|" +
        s.lines.map(function (line) { return line.skuId + "x" + line.quantity; }).join(",");
    }

    // The priced cart when it still matches the sale, else null (the till's own prices apply).
    function priced() {
      var s = sale();
      var key = cartKey(s);
      return key && s.priced && s.priced.key === key ? s.priced : null;
    }

    function estimate(s, key) {
      var rate = s.member ? rate4(s.member.info.price_rate) : NaN;
      var lines = {};
      var subtotal = 0;
      var discount = 0;
      s.lines.forEach(function (line) {
        var gross = line.price * line.quantity;
        var off = isNaN(rate) ? 0 : Math.min(share(gross, rate), gross);
        subtotal += gross;
        discount += off;
        lines[line.skuId] = {
          unitPrice: line.price, discount: off, total: gross - off,
          adjustments: off ? [{ label: T.memberDiscount.replace("%(percent)s", s.member.info.benefits.discount_percent), amount: off, source: "member" }] : [],
        };
      });
      return { key: key, lines: lines, gifts: [], savings: savingsOf(lines, []), subtotal: subtotal, discount: discount, total: subtotal - discount, estimated: true };
    }

    function adjustmentsOf(line) {
      return (line.adjustments || []).map(function (adj) {
        return {
          label: adj.label || adj.source || T.discount, amount: ctx.toCents(adj.amount) || 0,
          source: adj.source || "", id: adj.id === undefined ? "" : String(adj.id),
        };
      });
    }

    // One row per promotion or coupon however many lines it touched (as the receipt has them).
    function savingsOf(lines, gifts) {
      var rows = [];
      var byLabel = {};
      Object.keys(lines).map(function (id) { return lines[id]; }).concat(gifts).forEach(function (line) {
        line.adjustments.forEach(function (adj) {
          if (!adj.amount) return;
          var row = byLabel[adj.label];
          if (!row) {
            row = byLabel[adj.label] = { label: adj.label, amount: 0, source: adj.source, id: adj.id };
            rows.push(row);
          }
          row.amount += adj.amount;
        });
      });
      return rows;
    }

    // The server's answer for the sale: its lines by SKU, then the free gifts it added.
    function fromServer(body, key) {
      var lines = {};
      var gifts = [];
      var asked = sale().lines.length;
      (body.lines || []).forEach(function (line, index) {
        var out = {
          unitPrice: ctx.toCents(line.unit_price),
          discount: ctx.toCents(line.discount),
          total: ctx.toCents(line.line_total),
          adjustments: adjustmentsOf(line),
        };
        if (line.is_gift || index >= asked) {
          out.skuId = line.sku_id;
          out.code = line.sku_code || "";
          out.name = line.sku_name || line.sku_code || "";
          out.quantity = line.quantity;
          gifts.push(out);
        } else {
          lines[line.sku_id] = out;
        }
      });
      return {
        key: key, lines: lines, gifts: gifts, savings: savingsOf(lines, gifts),
        subtotal: ctx.toCents(body.subtotal), discount: ctx.toCents(body.discount_total),
        total: ctx.toCents(body.total), estimated: false,
      };
    }

    // Ask the server to price the sale as it stands with `codes` (default: its coupons).
    function request(codes) {
      var s = sale();
      var body = {
        store_id: config.storeId,
        channel: "pos",
        lines: s.lines.map(function (line) { return { sku_id: line.skuId, quantity: line.quantity }; }),
      };
      if (s.member) body.member_id = s.member.id;
      if (codes.length) body.coupon_codes = codes;
      return ctx.postJson(config.urls.price, body);
    }

    var waiters = [];

    function settled() {
      var ready = waiters;
      waiters = [];
      ready.forEach(function (resolve) { resolve(); });
    }

    function price(key) {
      var seq = ++priceSeq;
      pricingKey = key;
      request(coupons(sale())).then(function (answer) {
        if (seq !== priceSeq) return;
        pricingKey = null;
        var now = sale();
        if (cartKey(now) !== key) return sync();
        if (answer.ok) {
          now.priced = fromServer(answer.body, key);
        } else if (!answer.network && ctx.couponRefused && ctx.couponRefused(answer.body)) {
          // A coupon no longer fits the cart: it was taken off; price again without it.
          return sync();
        } else {
          now.priced = estimate(now, key);
          if (answer.network && now.member) ctx.say(T.pricingEstimated);
          else if (!answer.network && answer.body && answer.body.code) ctx.say(ctx.errorText(answer.body), "error");
        }
        ctx.saveSale();
        ctx.render();
        settled();
      });
    }

    // Called on every render: asks the server for the prices when the cart changed.
    function sync() {
      var s = sale();
      var key = cartKey(s);
      if (!key) return settled();
      if (s.priced && s.priced.key === key && !(s.priced.estimated && ctx.isOnline())) return settled();
      if (pricingKey === key) return;
      if (!ctx.isOnline()) {
        s.priced = estimate(s, key);
        ctx.saveSale();
        return settled();
      }
      clearTimeout(priceTimer);
      pricingKey = key;
      priceTimer = setTimeout(function () { price(key); }, PRICE_DELAY_MS);
    }

    // True while the prices for the cart as it stands are still on their way.
    function pending() {
      var s = sale();
      return !!cartKey(s) && !priced() && ctx.isOnline();
    }

    // Resolves once the cart's prices are in (at once when they are).
    function whenPriced() {
      if (!pending()) return Promise.resolve();
      return new Promise(function (resolve) { waiters.push(resolve); });
    }

    // Take a priced answer the coupons module asked for (with a coupon just added).
    function accept(body) {
      var s = sale();
      priceSeq += 1;
      pricingKey = null;
      clearTimeout(priceTimer);
      s.priced = fromServer(body, cartKey(s));
      ctx.saveSale();
      settled();
    }

    // ---- points as a payment ------------------------------------------------------------------

    function pointsPerYuan() { return current() ? current().programme.points_per_yuan_redeemed : 0; }

    function pointsFor(cents) { return (cents * pointsPerYuan()) / 100; }

    // The most of this sale points may still pay, in cents.
    function pointsMax(totalCents) {
      var m = current();
      if (!m) return 0;
      var byShare = Math.floor((totalCents * rate4(m.programme.max_redeem_share)) / 10000);
      var byBalance = Math.floor((m.info.points * 100) / pointsPerYuan());
      return Math.max(0, Math.min(byShare, byBalance));
    }

    function hasPointsPayment() {
      return sale().payments.some(function (p) { return p.method === "points"; });
    }

    // Why a points payment of `cents` cannot be taken, or "" when it can.
    function pointsRefusal(cents, totalCents) {
      if (!current()) return T.pointsNeedMember;
      if (!ctx.isOnline()) return T.pointsOffline;
      if (hasPointsPayment()) return T.pointsOnce;
      var most = pointsMax(totalCents);
      if (cents > most) return ctx.fill(T.pointsTooMany, { max: ctx.money(most) });
      if (!Number.isInteger(pointsFor(cents))) return T.pointsWhole;
      return "";
    }

    // What the amount field offers for points: what is left, within the limits, whole points.
    function pointsSuggest(leftCents, totalCents) {
      var cents = Math.min(leftCents, pointsMax(totalCents));
      var ppy = pointsPerYuan();
      if (!ppy) return 0;
      var step = 100;
      for (var n = 1; n <= 100; n += 1) {
        if (Number.isInteger((n * ppy) / 100)) { step = n; break; }
      }
      return Math.floor(cents / step) * step;
    }

    function renderPointsNeed(amountCents) {
      var need = $("pos-points-need");
      need.textContent = ctx.method() === "points" && amountCents > 0 && Number.isInteger(pointsFor(amountCents))
        ? ctx.fill(T.pointsNeeded, { points: pointsFor(amountCents) }) : "";
    }

    // ---- drawing ------------------------------------------------------------------------------

    function chip(text, className) {
      var el = document.createElement("span");
      el.className = "badge " + (className || "");
      el.textContent = text;
      return el;
    }

    function render(totalCents) {
      var m = current();
      card.hidden = !m;
      $("pos-member-form").hidden = !!m;
      if (pointsButton) {
        pointsButton.hidden = !m;
        pointsButton.disabled = !!m && !ctx.isOnline();
        pointsButton.title = m && !ctx.isOnline() ? T.pointsOffline : "";
      }
      $("pos-points-offline").hidden = !m || ctx.isOnline();
      if (!m) {
        card.innerHTML = "";
        return;
      }
      var info = m.info;
      card.innerHTML = "";
      var head = document.createElement("div");
      head.className = "pos-member-head";
      var who = document.createElement("strong");
      who.className = "pos-member-name";
      who.textContent = (info.name || info.code) + " · " + info.phone;
      head.append(who, chip(info.tier.name, "pos-member-tier"));
      var points = document.createElement("div");
      points.className = "pos-member-points";
      points.textContent = ctx.fill(T.memberPoints, { points: info.points });
      if (info.points_owed) points.appendChild(chip(ctx.fill(T.memberOwed, { points: info.points_owed }), "off"));
      var benefits = document.createElement("ul");
      benefits.className = "pos-member-benefits";
      var b = info.benefits;
      [
        rate4(b.discount_rate) > 0 ? ctx.fill(T.memberDiscount, { percent: b.discount_percent }) : "",
        b.points_multiplier && b.points_multiplier !== "1" ? ctx.fill(T.memberMultiplier, { multiplier: b.points_multiplier }) : "",
        b.free_gift_wrapping ? T.memberGiftWrap : "",
      ].filter(Boolean).forEach(function (text) {
        var li = document.createElement("li");
        li.textContent = text;
        benefits.appendChild(li);
      });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button small";
      remove.id = "pos-member-detach";
      remove.textContent = T.memberDetach;
      card.append(head, points, benefits, remove);
      var state = priced();
      if (state && state.estimated) {
        var note = document.createElement("p");
        note.className = "muted pos-member-note";
        note.textContent = T.pricingEstimated;
        card.appendChild(note);
      }
      $("pos-points-info").textContent = ctx.fill(T.pointsRate, {
        points: pointsPerYuan(), max: ctx.money(pointsMax(totalCents)), balance: info.points,
      });
    }

    // ---- after the sale -----------------------------------------------------------------------

    function line(box, text, className) {
      var p = document.createElement("p");
      if (className) p.className = className;
      p.textContent = text;
      box.appendChild(p);
      return p;
    }

    // The order as the server took it: the discount, then what the member earned and paid.
    function afterSale(entry, order, box) {
      var discount = order ? ctx.toCents(order.discount_total) : 0;
      if (discount > 0) line(box, T.discount + " −" + ctx.money(discount), "pos-last-discount");
      if (!entry.member || !order) return;
      ctx.getJson(config.urls.memberPoints + "?order=" + encodeURIComponent(entry.orderId)).then(function (answer) {
        if (!answer.ok || box.dataset.orderId !== entry.orderId) return;
        var body = answer.body;
        line(box, ctx.fill(T.pointsEarned, { name: body.name || entry.member.code, points: body.earned, balance: body.balance }), "pos-last-points");
        if (body.spent) line(box, ctx.fill(T.pointsSpent, { points: body.spent }), "pos-last-points-spent");
        var known = cache[cacheKey(entry.member.code)];
        if (known) {
          known.member.points = body.balance;
          ctx.save("members", cache);
        }
      });
    }

    return {
      lookup: lookup,
      detach: detach,
      focus: function () { input.hidden = false; $("pos-member-form").hidden = false; input.focus(); input.select(); },
      priced: priced,
      pending: pending,
      whenPriced: whenPriced,
      request: request,
      accept: accept,
      sync: sync,
      render: render,
      pointsRefusal: pointsRefusal,
      pointsSuggest: pointsSuggest,
      renderPointsNeed: renderPointsNeed,
      afterSale: afterSale,
    };
  };
})();
