// Coupons at the till: scanned (a coupon's QR carries its code) or typed in the coupon field (F8),
// checked by pricing the cart with it on the server, shown with what each one took off, removable.
// Only the server can tell whether a coupon is valid, unused and the customer's, so the till
// takes none while offline, and a sale with a coupon is never queued.
// Loaded before pos.js, which calls window.StoreosPosCoupons(ctx) with its own helpers.
(function () {
  "use strict";

  // Coupon codes are 16 symbols without 0, 1, I, L, O (promotions.coupons); at least one letter
  // keeps a long all-digit barcode from being taken for one.
  var CODE = /^(?=[0-9]*[A-Z])[2-9A-HJKMNP-Z]{16}$/;
  // What a coupon's QR may carry around the code: "COUPON:…", or a link ending in it.
  var WRAPPED = /^(?:coupon:|.*[?&]coupon=|.*\/c\/)([0-9A-Za-z]{16})\/?$/i;

  // The coupon code a scan or a typed text names, or "" when it is not one.
  function couponCode(text) {
    var raw = String(text || "").trim();
    var wrapped = WRAPPED.exec(raw);
    var code = (wrapped ? wrapped[1] : raw).toUpperCase();
    return CODE.test(code) ? code : "";
  }

  window.StoreosPosCoupons = function (ctx) {
    var T = ctx.T;
    var $ = ctx.$;
    var input = $("pos-coupon");
    var list = $("pos-coupon-list");
    var checking = false;

    function sale() { return ctx.sale(); }
    function codes() { return sale().coupons || []; }

    function setCodes(next) {
      sale().coupons = next;
      ctx.saveSale();
    }

    // Check `code` by pricing the cart with it; on success it joins the sale. `fallback` runs
    // instead of the refusal when a scanned text is not a coupon after all (an item's code).
    function add(text, fallback) {
      var code = couponCode(text) || String(text || "").trim().toUpperCase();
      if (!code) return;
      if (!ctx.isOnline()) {
        ctx.say(T.couponOffline, "error");
        return;
      }
      if (codes().indexOf(code) !== -1) {
        ctx.say(T.couponAlready, "error");
        return;
      }
      if (!sale().lines.length) {
        ctx.say(T.couponNeedsItems, "error");
        return;
      }
      if (checking) return;
      checking = true;
      ctx.say(T.couponChecking);
      var wanted = codes().concat([code]);
      ctx.pricing.request(wanted).then(function (answer) {
        checking = false;
        if (answer.network) {
          ctx.say(T.couponOffline, "error");
        } else if (answer.ok) {
          setCodes(wanted);
          ctx.pricing.accept(answer.body);
          input.value = "";
          var took = saved(code);
          ctx.say(ctx.fill(T.couponAdded, { code: code, amount: ctx.money(took) }), "ok");
          ctx.render();
        } else if (fallback && answer.body && answer.body.code === "coupon_not_found") {
          fallback();
        } else {
          ctx.say(ctx.errorText(answer.body), "error");
          input.select();
        }
      });
    }

    function remove(code) {
      setCodes(codes().filter(function (other) { return other !== code; }));
      ctx.say(ctx.fill(T.couponRemoved, { code: code }), "ok");
      ctx.render();
      ctx.focusScan();
    }

    // A re-price refused because of a coupon (the cart changed under it): the coupon named in
    // the refusal, or the last one added, comes off. True when it was a coupon refusal.
    function refused(body) {
      if (!body || !/^coupon_/.test(body.code || "") || !codes().length) return false;
      var details = body.details || {};
      var named = String(details.coupon || details.code || details.coupon_code || "").toUpperCase();
      var code = codes().indexOf(named) !== -1 ? named : codes()[codes().length - 1];
      setCodes(codes().filter(function (other) { return other !== code; }));
      ctx.say(ctx.errorText(body) + " " + ctx.fill(T.couponDropped, { code: code }), "error");
      return true;
    }

    // What the coupon took off the cart as priced now (over every line it touched).
    function saved(code) {
      var priced = ctx.pricing.priced();
      if (!priced) return 0;
      var lines = Object.keys(priced.lines).map(function (id) { return priced.lines[id]; }).concat(priced.gifts || []);
      return lines.reduce(function (sum, line) {
        return sum + line.adjustments.reduce(function (part, adj) {
          return part + (adj.source === "coupon" && adj.id.toUpperCase() === code ? adj.amount : 0);
        }, 0);
      }, 0);
    }

    function render() {
      list.innerHTML = "";
      codes().forEach(function (code) {
        var li = document.createElement("li");
        li.className = "pos-coupon";
        li.dataset.coupon = code;
        var name = document.createElement("span");
        name.className = "pos-coupon-code";
        name.textContent = T.coupon + " " + code;
        var amount = document.createElement("span");
        amount.className = "pos-coupon-saving";
        var took = saved(code);
        amount.textContent = took ? "−" + ctx.money(took) : "";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button small pos-coupon-remove";
        button.dataset.removeCoupon = code;
        button.textContent = "×";
        button.title = ctx.fill(T.couponRemove, { code: code });
        button.setAttribute("aria-label", button.title);
        li.append(name, amount, button);
        list.appendChild(li);
      });
      list.hidden = !codes().length;
      var offline = $("pos-coupon-offline");
      if (offline) offline.hidden = ctx.isOnline();
    }

    $("pos-coupon-form").addEventListener("submit", function (event) {
      event.preventDefault();
      add(input.value);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        input.value = "";
        ctx.focusScan();
      }
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-coupon]");
      if (button) remove(button.dataset.removeCoupon);
    });

    return {
      looksLikeCoupon: function (text) { return !!couponCode(text); },
      add: add,
      remove: remove,
      refused: refused,
      codes: codes,
      render: render,
      focus: function () { input.focus(); input.select(); },
    };
  };
})();
