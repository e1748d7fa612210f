/*
 * What the offline app keeps on the tablet besides the drafts (draft_store.js), in IndexedDB through the vendored
 * idb library (window.idb): database "survey-device", one store per kind, every record bound to the user id
 * ("owner") that downloaded or filled it, so another user of the tablet neither sees nor sends it:
 *   packages        {owner, package, cursor, fetched_at, last_sync}  the device package (GET /api/v1/device/package)
 *   definitions     {questionnaire_version_id, ...}  each questionnaire version's definition, kept per version, so
 *                   a draft opens with the version it was started on even after a new version arrived
 *   outbox          {uuid, owner, queued_at, body, household, round, label, status, attempts, next_try_at, error}
 *   credentials     {owner, token, expires_at}  the per-device token (POST /api/v1/device/register)
 *   new_households  {client_uuid, owner, village, head_name, ethnic_group, members, address, created_at}
 * The user last seen online is kept in localStorage ("survey-app:user"): offline, the app opens as that user.
 * Exposes window.SurveyDevice: open() -> Promise of a DeviceStore; lastUser(); rememberUser(user); newUuid().
 */
(function (root) {
  "use strict";

  var DB_NAME = "survey-device";
  var LAST_USER = "survey-app:user";

  function DeviceStore(db) { this.db = db; }

  function byOwner(db, store, owner) { return db.getAllFromIndex(store, "owner", String(owner)); }

  DeviceStore.prototype.getPackage = function (owner) { return this.db.get("packages", String(owner)); };

  DeviceStore.prototype.putPackage = function (owner, record) {
    return this.db.put("packages", Object.assign({}, record, { owner: String(owner) }));
  };

  /** A full package replaces what was kept; a package since a cursor is merged into it (households by code,
   * returned submissions and server drafts by household, ``removed`` codes forgotten). */
  DeviceStore.prototype.savePackage = function (owner, pkg) {
    var self = this;
    return this.getPackage(owner).then(function (kept) {
      var merged = pkg;
      if (!pkg.full && kept && kept.package) {
        var households = {};
        kept.package.households.forEach(function (h) { households[h.code] = h; });
        pkg.households.forEach(function (h) { households[h.code] = h; });
        (pkg.removed || []).forEach(function (code) { delete households[code]; });
        var changed = new Set(pkg.households.map(function (h) { return h.code; }));
        var keepUnchanged = function (list, fresh) {
          return (list || []).filter(function (r) { return !changed.has(r.household); }).concat(fresh || []);
        };
        merged = Object.assign({}, pkg, {
          households: Object.keys(households).sort().map(function (code) { return households[code]; }),
          returned: keepUnchanged(kept.package.returned, pkg.returned),
          drafts: keepUnchanged(kept.package.drafts, pkg.drafts)
        });
      }
      return self.putPackage(owner, Object.assign({}, kept || {}, {
        package: merged, cursor: pkg.cursor, fetched_at: new Date().toISOString()
      })).then(function () { return merged; });
    });
  };

  DeviceStore.prototype.markSynced = function (owner) {
    var self = this;
    return this.getPackage(owner).then(function (kept) {
      return self.putPackage(owner, Object.assign({}, kept || {}, { last_sync: new Date().toISOString() }));
    });
  };

  DeviceStore.prototype.getDefinition = function (id) { return this.db.get("definitions", Number(id)); };

  DeviceStore.prototype.putDefinition = function (doc) { return this.db.put("definitions", doc); };

  /** The owner's outbox, oldest first (the order it is sent in). */
  DeviceStore.prototype.outbox = function (owner) {
    return byOwner(this.db, "outbox", owner).then(function (items) {
      return items.sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : a.queued_at > b.queued_at ? 1 : 0; });
    });
  };

  DeviceStore.prototype.getItem = function (uuid) { return this.db.get("outbox", uuid); };

  DeviceStore.prototype.putItem = function (item) { return this.db.put("outbox", item); };

  DeviceStore.prototype.removeItem = function (uuid) { return this.db.delete("outbox", uuid); };

  DeviceStore.prototype.getCredential = function (owner) { return this.db.get("credentials", String(owner)); };

  DeviceStore.prototype.putCredential = function (owner, credential) {
    return this.db.put("credentials", Object.assign({}, credential, { owner: String(owner) }));
  };

  DeviceStore.prototype.removeCredential = function (owner) { return this.db.delete("credentials", String(owner)); };

  DeviceStore.prototype.newHouseholds = function (owner) { return byOwner(this.db, "new_households", owner); };

  DeviceStore.prototype.getNewHousehold = function (clientUuid) { return this.db.get("new_households", clientUuid); };

  DeviceStore.prototype.putNewHousehold = function (household) { return this.db.put("new_households", household); };

  DeviceStore.prototype.removeNewHousehold = function (clientUuid) { return this.db.delete("new_households", clientUuid); };

  function open() {
    if (!root.idb || !root.indexedDB) return Promise.reject(new Error("IndexedDB không dùng được trên trình duyệt này"));
    return root.idb.openDB(DB_NAME, 1, {
      upgrade: function (db) {
        db.createObjectStore("packages", { keyPath: "owner" });
        db.createObjectStore("definitions", { keyPath: "questionnaire_version_id" });
        db.createObjectStore("credentials", { keyPath: "owner" });
        db.createObjectStore("outbox", { keyPath: "uuid" }).createIndex("owner", "owner");
        db.createObjectStore("new_households", { keyPath: "client_uuid" }).createIndex("owner", "owner");
      }
    }).then(function (db) { return new DeviceStore(db); });
  }

  function lastUser() {
    try { return JSON.parse(root.localStorage.getItem(LAST_USER) || "null"); } catch (e) { return null; }
  }

  function rememberUser(user) { root.localStorage.setItem(LAST_USER, JSON.stringify(user)); }

  /** A random (version 4) UUID, also where crypto.randomUUID is missing. */
  function newUuid() {
    if (root.crypto.randomUUID) return root.crypto.randomUUID();
    var bytes = root.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  root.SurveyDevice = { open: open, lastUser: lastUser, rememberUser: rememberUser, newUuid: newUuid };
})(window);
