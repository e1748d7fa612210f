/*
 * Drafts on the device, in IndexedDB (database "survey-drafts", store "drafts", key: the submission's UUID), through
 * the vendored idb library (static/vendor/idb-8.0.4, window.idb). A draft is
 *   {uuid, owner, household, round, form_version, base, answers, position, updated_at}
 * with answers as the engine reads them (raw answers JSON), owner the user id that filled it in, base the
 * server's answers hash the draft started from ("" for a household not yet saved on the server), position the
 * section shown, updated_at an ISO time of the device.
 *
 * Exposes window.SurveyDrafts: open() -> Promise of a store {get, put, remove, list(owner), pendingFor(owner,
 * round, household)}; autosave(save) -> {schedule, flush} (debounced 300 ms, flushed on visibilitychange and
 * pagehide, so a closed tab loses at most the last keystroke); migrateLocalStorage(store, owner) (the backups
 * form_runtime.js kept in localStorage, moved once); checkStorage(element) (asks navigator.storage.persist() and
 * shows a Vietnamese warning in element when refused or when less than 10 % of the quota is free).
 */
(function (root) {
  "use strict";

  var DB_NAME = "survey-drafts";
  var STORE = "drafts";
  var SAVE_DELAY_MS = 300;
  var LEGACY_BACKUP = "survey-form:";
  var LEGACY_PENDING = "survey-pending:";
  var META_FIELD = /^submission-|^csrf_token$/;
  var ROW_FIELD = /^([A-Za-z_][A-Za-z0-9_]*)-(\d+)-([A-Za-z_][A-Za-z0-9_]*)$/;

  function DraftStore(db) { this.db = db; }

  DraftStore.prototype.get = function (uuid) { return this.db.get(STORE, uuid); };

  DraftStore.prototype.put = function (draft) {
    var record = Object.assign({}, draft, { updated_at: new Date().toISOString() });
    return this.db.put(STORE, record).then(function () { return record; });
  };

  DraftStore.prototype.remove = function (uuid) { return this.db.delete(STORE, uuid); };

  /** The drafts of one user, newest first: another user of the same tablet never sees them. */
  DraftStore.prototype.list = function (owner) {
    return this.db.getAllFromIndex(STORE, "owner", String(owner)).then(function (drafts) {
      return drafts.sort(function (a, b) { return a.updated_at < b.updated_at ? 1 : -1; });
    });
  };

  /** The draft of a household not yet saved on the server (its UUID was made on this device), or undefined. */
  DraftStore.prototype.pendingFor = function (owner, round, household) {
    return this.list(owner).then(function (drafts) {
      return drafts.filter(function (d) { return d.round === round && d.household === household && !d.base; })[0];
    });
  };

  function open() {
    if (!root.idb || !root.indexedDB) return Promise.reject(new Error("IndexedDB không dùng được trên trình duyệt này"));
    return root.idb.openDB(DB_NAME, 1, {
      upgrade: function (db) {
        var store = db.createObjectStore(STORE, { keyPath: "uuid" });
        store.createIndex("owner", "owner");
      }
    }).then(function (db) { return new DraftStore(db); });
  }

  /** Debounced saving: schedule() after each change, flush() now (also when the page is hidden or closed). */
  function autosave(save) {
    var timer = null;
    var dirty = false;
    function flush() {
      clearTimeout(timer);
      if (!dirty) return Promise.resolve();
      dirty = false;
      return Promise.resolve(save()).catch(function () { dirty = true; });
    }
    function schedule() {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(flush, SAVE_DELAY_MS);
    }
    root.document.addEventListener("visibilitychange", function () {
      if (root.document.visibilityState === "hidden") flush();
    });
    root.addEventListener("pagehide", flush);
    return { schedule: schedule, flush: flush };
  }

  /** A localStorage backup ({fields, rows, base, savedAt, section}) as answers JSON: "name" and "repeat-i-child". */
  function legacyAnswers(fields) {
    var answers = {};
    Object.keys(fields || {}).forEach(function (name) {
      var values = fields[name];
      if (META_FIELD.test(name) || !Array.isArray(values)) return;
      var value = values.length > 1 ? values.slice() : values.length ? values[0] : null;
      var row = ROW_FIELD.exec(name);
      if (!row) { answers[name] = value; return; }
      var rows = answers[row[1]] = Array.isArray(answers[row[1]]) ? answers[row[1]] : [];
      while (rows.length <= +row[2]) rows.push({});
      rows[+row[2]][row[3]] = value;
    });
    return answers;
  }

  /** Moves every backup form_runtime.js left in localStorage into IndexedDB (once: the keys are removed). */
  function migrateLocalStorage(store, owner) {
    var storage;
    try { storage = root.localStorage; } catch (e) { return Promise.resolve(0); }
    if (!storage) return Promise.resolve(0);
    var places = {};
    for (var i = 0; i < storage.length; i++) {
      var key = storage.key(i);
      if (key && key.indexOf(LEGACY_PENDING) === 0) places[storage.getItem(key)] = key.slice(LEGACY_PENDING.length).split("/");
    }
    var moves = [];
    for (var j = storage.length - 1; j >= 0; j--) {
      var name = storage.key(j);
      if (!name || name.indexOf(LEGACY_BACKUP) !== 0) continue;
      var uuid = name.slice(LEGACY_BACKUP.length);
      var data;
      try { data = JSON.parse(storage.getItem(name)); } catch (e) { data = null; }
      if (data && data.fields) {
        var place = places[uuid] || [];
        moves.push(store.put({
          uuid: uuid, owner: String(owner), round: place[0] || data.round || "", household: place[1] || data.household || "",
          form_version: data.version || "", base: data.base || "", answers: legacyAnswers(data.fields),
          position: data.section || "", legacy_saved_at: data.savedAt || null
        }));
      }
      storage.removeItem(name);
    }
    Object.keys(places).forEach(function (uuid) { storage.removeItem(places[uuid] && LEGACY_PENDING + places[uuid].join("/")); });
    return Promise.all(moves).then(function () { return moves.length; });
  }

  function warn(element, text) {
    if (!element) return;
    element.textContent = text;
    element.hidden = false;
  }

  /** Asks the browser to keep the drafts, and says so on the page when it may not. */
  function checkStorage(element) {
    var storage = root.navigator && root.navigator.storage;
    if (!storage || !storage.persist) {
      warn(element, "Trình duyệt này có thể tự xóa phiếu lưu trên máy. Hãy gửi phiếu ngay khi có mạng.");
      return Promise.resolve({ persisted: false });
    }
    return storage.persist().then(function (persisted) {
      if (!persisted) {
        warn(element, "Trình duyệt chưa cho phép giữ lâu dài dữ liệu trên máy: phiếu nháp có thể bị xóa khi máy " +
          "thiếu bộ nhớ. Hãy gửi phiếu ngay khi có mạng.");
      }
      return storage.estimate ? storage.estimate().then(function (estimate) {
        var free = estimate.quota ? 1 - (estimate.usage || 0) / estimate.quota : 1;
        if (free < 0.1) {
          warn(element, "Bộ nhớ trên máy sắp đầy (còn " + Math.round(free * 100) + "%): hãy gửi các phiếu đã làm " +
            "và xóa bớt dữ liệu khác, kẻo không lưu được phiếu nháp.");
        }
        return { persisted: persisted, free: free };
      }) : { persisted: persisted };
    });
  }

  root.SurveyDrafts = {
    open: open, autosave: autosave, migrateLocalStorage: migrateLocalStorage, legacyAnswers: legacyAnswers,
    checkStorage: checkStorage, SAVE_DELAY_MS: SAVE_DELAY_MS
  };
})(window);
