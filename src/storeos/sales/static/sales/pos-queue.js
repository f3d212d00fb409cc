// The till's offline queue: sales that could not be sent wait in the browser (localStorage, shared
// by the tabs of this till) and go out oldest first when the server answers again. Each keeps its
// order id, so a sale sent twice lands once. A refused sale waits as "needs attention" to be
// retried or discarded, never dropped silently; another cashier's sales wait for them.
// Loaded before pos.js, which calls window.StoreosPosQueue(ctx) with its own helpers.
(function () {
  "use strict";

  window.StoreosPosQueue = function (ctx) {
    var T = ctx.T;
    var $ = ctx.$;
    var queue = ctx.load("queue", []);
    var syncing = false;
    var signedOut = false;

    function save() { ctx.save("queue", queue); }
    function reload() { queue = ctx.load("queue", queue); }
    function mine(entry) { return entry.cashierId === ctx.config.userId; }

    // Keep a sale the server has not taken. It happened now, at the prices the till showed: the
    // server prices it as of then, and takes a list-price sale whose promotion the till could not
    // see (sales.checkout).
    function add(entry, note) {
      entry.payload.rung_offline_at = entry.at;
      reload();
      if (!queue.some(function (other) { return other.orderId === entry.orderId; })) queue.push(entry);
      save();
      ctx.finish(entry, null, note);
    }

    // Send queued sales oldest first. A network failure stops the round (the next one retries);
    // a refusal marks that sale as needing attention and the round goes on with the next.
    function sync() {
      if (syncing) return Promise.resolve();
      reload();
      var next = queue.find(function (entry) { return entry.status === "queued" && mine(entry); });
      if (!next) {
        renderList();
        return Promise.resolve();
      }
      syncing = true;
      renderNet();
      return ctx.sendSale(next).then(function (result) {
        reload();
        var stop = false;
        if (result.kind === "ok") {
          queue = queue.filter(function (entry) { return entry.orderId !== next.orderId; });
          ctx.addRecent(next, result.order);
          signedOut = false;
        } else if (result.kind === "refused") {
          queue.forEach(function (entry) {
            if (entry.orderId === next.orderId) {
              entry.status = "attention";
              entry.error = result.message;
            }
          });
        } else {
          signedOut = result.kind === "auth";
          stop = true;
        }
        save();
        syncing = false;
        ctx.render();
        return stop ? null : sync();
      });
    }

    function countText(count) {
      return ctx.fill(count === 1 ? T.queuedOne : T.queuedMany, { count: count });
    }

    function renderNet() {
      var online = ctx.isOnline();
      var queued = queue.filter(function (entry) { return entry.status === "queued"; }).length;
      var text = online ? T.online : T.offline;
      if (queued) text += " — " + countText(queued);
      if (syncing) text += " · " + T.syncing;
      if (signedOut) text += " · " + T.signInAgain;
      $("pos-net-text").textContent = text;
      $("pos-net").className = "pos-net " + (online ? "online" : "offline") + (queued ? " waiting" : "");
    }

    function renderList() {
      var list = $("pos-queue-list");
      list.innerHTML = "";
      queue.forEach(function (entry) {
        var li = document.createElement("li");
        li.className = "pos-queue-item " + entry.status;
        li.dataset.orderId = entry.orderId;
        var head = document.createElement("div");
        var when = new Date(entry.at);
        head.textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + " · " +
          ctx.money(entry.total) + " · " + entry.units + " " + T.items;
        var status = document.createElement("div");
        status.className = "pos-queue-status";
        if (entry.status === "attention") {
          status.textContent = T.attention + ": " + (entry.error || T.refused);
        } else if (!mine(entry)) {
          status.textContent = ctx.fill(T.waitingFor, { name: entry.cashierName });
        } else {
          status.textContent = T.queued;
        }
        li.append(head, status);
        if (entry.status === "attention") {
          li.append(
            ctx.button({ text: T.retry }, "", { queueAction: "retry", orderId: entry.orderId }),
            ctx.button({ text: T.discard }, "", { queueAction: "discard", orderId: entry.orderId })
          );
        }
        list.appendChild(li);
      });
      $("pos-queue-count").textContent = String(queue.length);
      $("pos-queue-empty").hidden = queue.length > 0;
    }

    $("pos-sync").addEventListener("click", function () { sync(); ctx.focusScan(); });
    $("pos-queue-list").addEventListener("click", function (event) {
      var button = event.target.closest("[data-queue-action]");
      if (!button) return;
      var orderId = button.dataset.orderId;
      reload();
      if (button.dataset.queueAction === "discard") {
        if (!window.confirm(T.discardConfirm)) return;
        queue = queue.filter(function (entry) { return entry.orderId !== orderId; });
      } else {
        queue.forEach(function (entry) {
          if (entry.orderId === orderId) {
            entry.status = "queued";
            delete entry.error;
          }
        });
      }
      save();
      ctx.render();
      sync();
    });

    window.addEventListener("online", function () { ctx.setOnline(true); sync(); });
    window.addEventListener("offline", function () { ctx.setOnline(false); });
    // Another tab of this till queued or sent a sale.
    window.addEventListener("storage", function (event) {
      if (event.key === ctx.prefix + "queue") {
        queue = ctx.load("queue", []);
        ctx.render();
      }
    });
    setInterval(function () {
      if (navigator.onLine !== false) sync();
    }, ctx.config.retrySeconds * 1000);

    return {
      add: add,
      sync: sync,
      render: function () {
        renderList();
        renderNet();
      },
      renderNet: renderNet,
      // The server asked for a new sign-in: shown until a sale goes through again.
      signedOut: function () { signedOut = true; },
    };
  };
})();
