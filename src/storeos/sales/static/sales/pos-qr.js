// QR payments at the till (WeChat Pay, Alipay, the demo sandbox): the customer pays a QR code for
// part or all of the sale; once the provider confirms it, it becomes one of the sale's payments,
// named by the payment's out_trade_no. The payment waiting is kept on the sale (`sale.qr`), so a
// reload asks the server how it went.
// Loaded before pos.js, which calls window.StoreosPosQr(ctx) with its own helpers.
(function () {
  "use strict";

  window.StoreosPosQr = function (ctx) {
    var T = ctx.T;
    var $ = ctx.$;
    var urls = ctx.config.urls;
    var timer = null;

    function sale() { return ctx.sale(); }

    function show(intent) {
      $("pos-qr").hidden = false;
      $("pos-qr-img").src = urls.qr + "?data=" + encodeURIComponent((intent.qr && intent.qr.code_url) || "");
      $("pos-qr-status").textContent = ctx.fill(T.qrWaiting, { amount: ctx.money(sale().qr.amount) });
      $("pos-qr-simulate").hidden = intent.method !== "sandbox";
    }

    function stop() {
      clearTimeout(timer);
      timer = null;
      sale().qr = null;
      ctx.saveSale();
      $("pos-qr").hidden = true;
      $("pos-qr-img").removeAttribute("src");
    }

    function settle(intent) {
      var waiting = sale().qr;
      if (!waiting || intent.id !== waiting.id) return;
      if (intent.status === "succeeded") {
        sale().payments.push({
          method: intent.method, amount: waiting.amount, tendered: null, reference: intent.out_trade_no,
        });
        ctx.say(ctx.fill(T.qrPaid, { amount: ctx.money(waiting.amount) }), "ok");
        stop();
        ctx.paid();
      } else if (intent.status === "failed" || intent.status === "expired") {
        ctx.say(T.qrFailed, "error");
        stop();
      } else {
        timer = setTimeout(poll, 2000);
      }
    }

    function poll() {
      if (!sale().qr) return;
      ctx.getJson(urls.intents + "/" + sale().qr.id).then(function (answer) {
        if (answer.ok) settle(answer.body);
        else if (sale().qr) timer = setTimeout(poll, 4000);
      });
    }

    function start() {
      if (sale().qr) return;
      if (!ctx.isOnline()) {
        ctx.say(T.qrOffline, "error");
        return;
      }
      var amount = ctx.toCents($("pos-amount").value);
      if (isNaN(amount) || amount <= 0) return ctx.say(T.amountInvalid, "error");
      if (amount > ctx.remaining()) return ctx.say(T.amountTooHigh, "error");
      var intentId = ctx.newId();
      var method = ctx.method();
      sale().qr = { id: intentId, method: method, amount: amount };
      ctx.saveSale();
      ctx.postJson(urls.intents, {
        store_id: ctx.config.storeId, method: method, amount: ctx.plain(amount), intent_id: intentId,
      }).then(function (answer) {
        if (answer.ok) {
          show(answer.body);
          timer = setTimeout(poll, 2000);
        } else {
          ctx.say(answer.network ? T.qrOffline : ctx.errorText(answer.body), "error");
          stop();
        }
      });
    }

    $("pos-qr-start").addEventListener("click", start);
    $("pos-qr-cancel").addEventListener("click", function () { stop(); ctx.focusScan(); });
    $("pos-qr-simulate").addEventListener("click", function () {
      if (!sale().qr) return;
      ctx.postJson(urls.intents + "/" + sale().qr.id + "/sandbox-complete", {}).then(function (answer) {
        if (answer.ok) settle(answer.body);
        else ctx.say(answer.network ? T.qrOffline : ctx.errorText(answer.body), "error");
      });
    });

    return {
      stop: stop,
      // A QR payment was waiting when the page was left: show it and ask how it went.
      resume: function () {
        $("pos-qr").hidden = false;
        poll();
      },
    };
  };
})();
