/*
 * The offline app (offline_app/templates/offline_app/shell.html, precached by the service worker): who uses the
 * tablet, the device package and the definitions kept in IndexedDB (device_store.js), the household list
 * (app_households.js), each household's form drawn from its definition (form_markup.js) and run by form_view.js,
 * drafts (draft_store.js) and the outbox (outbox.js), synced on the "online" event, every minute and on
 * "Đồng bộ ngay". Screens are hash routes of the one page (#/r/<round>, #/r/<round>/h/<household>,
 * #/r/<round>/new), so every screen opens without the network. docs/offline.md tells the whole story.
 * body[data-app-ready] says the data are on the device; body[data-sync-state] the last sync's outcome.
 */
(function (root) {
  "use strict";

  var Device = root.SurveyDevice, Homes = root.SurveyAppHouseholds;
  var SYNC_EVERY_MS = 60 * 1000;
  var EDITABLE = ["draft", "has_issues"];
  var body = document.body;
  var app = { user: null, csrf: null, session: false, device: null, drafts: null, outbox: null, record: null };

  function $(selector) { return document.querySelector(selector); }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function when(iso) {
    var d = new Date(iso);
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + " ngày " + pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear();
  }

  function say(text, kind) {
    var box = $("[data-app-message]");
    box.setAttribute("data-said-at", String(Date.now()));
    box.textContent = text || "";
    box.className = "flash" + (kind ? " flash-" + kind : "");
    box.hidden = !text;
  }

  function show(screen) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-screen]"), function (el) {
      el.hidden = el.getAttribute("data-screen") !== screen;
    });
    return $('[data-screen="' + screen + '"]');
  }

  // -- the server --

  function headers() {
    return app.device.getCredential(app.user.id).then(function (credential) {
      var h = { Accept: "application/json" };
      if (credential && credential.token) h.Authorization = "Bearer " + credential.token;
      return h;
    });
  }

  function getJson(url) {
    return headers().then(function (h) {
      return root.fetch(url, { headers: h, credentials: "same-origin", redirect: "manual" });
    }).then(function (response) {
      if (!response.ok) throw Object.assign(new Error("HTTP " + response.status), { status: response.status });
      return response.json();
    });
  }

  /** Who is logged in, when the network and a session are there; else the user last seen online. */
  function identify() {
    return root.fetch(body.getAttribute("data-session-url"), { credentials: "same-origin", redirect: "manual",
                                                                headers: { Accept: "application/json" } })
      .then(function (response) { app.answered = true; return response.ok ? response.json() : null; })
      .catch(function () { app.answered = false; return null; })
      .then(function (found) {
        app.session = !!found;
        app.user = found ? found.user : Device.lastUser();
        app.csrf = found ? found.csrf_token : null;
        if (found) Device.rememberUser(found.user);
        $("[data-login-link]").hidden = app.session || !app.answered;  // offline, logging in cannot help
        $("[data-user-name]").textContent = app.user ? (app.user.full_name || app.user.username) : "";
      });
  }

  /** A device token for this user, asked once from the login session, so that later syncs need no session. */
  function ensureCredential() {
    return app.device.getCredential(app.user.id).then(function (credential) {
      if (credential || !app.session) return null;
      return root.fetch(body.getAttribute("data-register-url"), {
        method: "POST", credentials: "same-origin", body: JSON.stringify({ label: "Máy tính bảng" }),
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": app.csrf }
      }).then(function (response) { return response.ok ? response.json() : null; }).then(function (issued) {
        if (issued && String(issued.user.id) === String(app.user.id)) {
          return app.device.putCredential(app.user.id, { token: issued.token, expires_at: issued.expires_at });
        }
        return null;
      });
    }).catch(function () { return null; });
  }

  function fetchPackage() {
    var cursor = app.record && app.record.cursor;
    var url = body.getAttribute("data-package-url");
    return getJson(cursor ? url + "?since=" + encodeURIComponent(cursor) : url).catch(function (error) {
      if (cursor && error.status === 400) return getJson(url);  // a cursor the server no longer reads: start again
      throw error;
    }).then(function (pkg) { return app.device.savePackage(app.user.id, pkg); })
      .then(function () { return app.device.getPackage(app.user.id); })
      .then(function (record) { app.record = record; return fetchDefinitions(record.package); });
  }

  /** Each open round's questionnaire, once per version (kept, never replaced: a version never changes). */
  function fetchDefinitions(pkg) {
    return Promise.all(pkg.rounds.map(function (r) {
      return app.device.getDefinition(r.questionnaire_version_id).then(function (kept) {
        return kept || getJson(r.definition_url).then(function (doc) { return app.device.putDefinition(doc); });
      });
    }));
  }

  // -- sync --

  function showSyncState() {
    return app.device.outbox(app.user.id).then(function (items) {
      var waiting = items.filter(function (i) { return i.status === "waiting"; }).length;
      var refused = items.length - waiting;
      $("[data-outbox-count]").textContent = waiting + " phiếu chờ gửi" + (refused ? ", " + refused + " bị từ chối" : "");
      body.setAttribute("data-outbox", String(waiting));
      var last = app.record && app.record.last_sync;
      $("[data-last-sync]").textContent = last ? "Đồng bộ lần cuối: " + when(last) : "Chưa đồng bộ lần nào";
      $("[data-net-state]").textContent = root.navigator.onLine ? "Có mạng" : "Không có mạng";
      $("[data-net-state]").className = "net-state " + (root.navigator.onLine ? "is-online" : "is-offline");
    });
  }

  function syncNow(force) {
    if (!app.user) return Promise.resolve();
    body.setAttribute("data-sync-state", "running");
    return app.outbox.send(app.user.id, force).then(function (result) {
      if (result.stopped === "login") {
        $("[data-login-link]").hidden = false;
        say("Chưa gửi được: máy cần đăng nhập lại (các phiếu vẫn nằm trên máy, không phải nhập lại).", "warning");
      } else if (result.refused.length) {
        say("Máy chủ từ chối " + result.refused.length + " phiếu: xem lý do ở đầu danh sách hộ.", "danger");
      } else if (result.sent.length) {
        say("Đã gửi " + result.sent.length + " phiếu lên máy chủ.", "success");
      }
      body.setAttribute("data-sync-state", result.stopped || "done");
      if (result.stopped) return null;
      var synced = app.device.markSynced(app.user.id);
      // New states and codes of what was sent; on the network's return or the button, whatever changed meanwhile.
      return result.sent.length || force ? synced.then(fetchPackage) : synced;
    }).catch(function () { body.setAttribute("data-sync-state", "offline"); })
      .then(loadLocal).then(function () { if (!$('[data-screen="household"]').hidden) return null; return route(); });
  }

  // -- what the device keeps --

  function loadLocal() {
    var owner = app.user.id;
    return Promise.all([app.device.getPackage(owner), app.drafts.list(owner), app.device.outbox(owner),
                        app.device.newHouseholds(owner)]).then(function (found) {
      app.record = found[0] || null;
      app.ctx = { owner: owner, pkg: app.record ? app.record.package : null, drafts: found[1], outbox: found[2],
                  newHouseholds: found[3] };
      return showSyncState();
    });
  }

  function roundOf(code) {
    var rounds = app.ctx.pkg.rounds;
    return rounds.filter(function (r) { return r.code === code; })[0] || rounds[0];
  }

  function context(roundCode) { return Object.assign({}, app.ctx, { round: roundOf(roundCode) }); }

  // -- screens --

  function route() {
    if (!app.user) {
      show("home").textContent = "Lần đầu dùng máy này cần có mạng và đăng nhập.";
      return Promise.resolve();
    }
    if (!app.ctx.pkg || !app.ctx.pkg.rounds.length) {
      show("home").textContent = app.ctx.pkg ? "Bạn không có đợt khảo sát nào đang mở." : "Chưa tải dữ liệu địa bàn: hãy mở ứng dụng khi có mạng.";
      return Promise.resolve();
    }
    var parts = (root.location.hash.replace(/^#\/?/, "") || "").split("/").map(decodeURIComponent);
    var ctx = context(parts[0] === "r" ? parts[1] : null);
    if (parts[2] === "h" && parts[3]) return root.SurveyAppForm.open(show("household"), ctx, parts[3], app);
    if (parts[2] === "new") {
      Homes.drawNewHousehold(show("new-household"), ctx, $("[data-new-household-template]"), function (values) {
        var household = Object.assign(values, { client_uuid: Device.newUuid(), owner: String(app.user.id),
                                                created_at: new Date().toISOString() });
        app.device.putNewHousehold(household).then(loadLocal).then(function () {
          root.location.hash = "#/r/" + encodeURIComponent(ctx.round.code) + "/h/" + encodeURIComponent("new:" + household.client_uuid);
        });
      });
      return Promise.resolve();
    }
    Homes.drawHome(show("home"), ctx, {
      fix: function (item) {
        root.location.hash = "#/r/" + encodeURIComponent(item.round) + "/h/" + encodeURIComponent(item.household);
      },
      discard: function (item) { app.outbox.discard(item).then(loadLocal).then(route); }
    });
    return Promise.resolve();
  }

  function registerWorker() {
    if (!root.navigator.serviceWorker) return Promise.resolve(null);
    return root.navigator.serviceWorker.register(body.getAttribute("data-sw-url"), { scope: "./" })
      .then(function (registration) {
        if (root.navigator.onLine) registration.update().catch(function () { return null; });  // a new release?
        return root.navigator.serviceWorker.ready;
      }).catch(function () { return null; });
  }

  function boot() {
    var worker = registerWorker();
    Promise.all([Device.open(), root.SurveyDrafts.open()]).then(function (stores) {
      app.device = stores[0];
      app.drafts = stores[1];
      app.outbox = new root.SurveyOutbox.Outbox(app.device, { url: body.getAttribute("data-submit-url"), drafts: app.drafts,
                                                              csrf: function () { return app.csrf; } });
      return identify();
    }).then(function () {
      if (!app.user) return route();
      return loadLocal().then(route).then(function () {
        return ensureCredential().then(fetchPackage).catch(function () { return null; });
      }).then(function () { return syncNow(false); }).then(function () { return worker; }).then(function () {
        if (app.ctx.pkg) body.setAttribute("data-app-ready", "1");
      });
    }).catch(function (error) { say("Không mở được dữ liệu trên máy: " + error.message, "danger"); });
    root.SurveyDrafts.checkStorage($("[data-storage-warning]"));
    root.addEventListener("hashchange", function () {
      var box = $("[data-app-message]");  // a message said just before the move (e.g. "in the outbox") stays
      if (Date.now() - Number(box.getAttribute("data-said-at") || 0) > 1000) say("");
      loadLocal().then(route);
    });
    root.addEventListener("online", function () { showSyncState(); syncNow(true); });
    root.addEventListener("offline", showSyncState);
    root.setInterval(function () { if (root.navigator.onLine) syncNow(false); }, SYNC_EVERY_MS);
    $("[data-sync-now]").addEventListener("click", function () { say("Đang đồng bộ…"); syncNow(true); });
  }

  root.SurveyApp = { app: app, loadLocal: loadLocal, route: route, syncNow: syncNow, say: say, editable: EDITABLE };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})(window);
