/*
 * The outbox (window.SurveyOutbox): submissions "Gửi phiếu" put on the device, sent oldest first through
 * POST /api/v1/submissions when the network is there. An item leaves the device only after the server confirmed
 * it (201 created, or 200: the same submission was already there). A refusal the enumerator must act on (400, 403,
 * 404, 409, 413, 422: moved out of the area, round closed, a newer version on the server, answers refused under
 * a newer questionnaire version) keeps the item, marked "refused" with the server's Vietnamese message, until it
 * is fixed or discarded. No answer, a 5xx or a 429 leaves the rest for later, with a back-off per item.
 * Requests carry the device token of the item's owner (so an expired login session never blocks the sync), or
 * the login session and its CSRF header when no token is kept; a 401 stops until the user logs in again.
 *
 *   var outbox = new SurveyOutbox.Outbox(device, {url, csrf: function () {...}, drafts})
 *   outbox.queue(item)           -> Promise (item: {uuid, owner, body, household, round, label})
 *   outbox.send(owner)           -> Promise of {sent: [...], refused: [...], stopped: null | "offline" | "login"}
 *   SurveyOutbox.backoff(n)      -> milliseconds before try n + 1
 */
(function (root) {
  "use strict";

  var FIRST_DELAY_MS = 5000;
  var LONGEST_DELAY_MS = 10 * 60 * 1000;
  var REFUSALS = [400, 403, 404, 409, 410, 413, 422];

  function backoff(attempts) { return Math.min(FIRST_DELAY_MS * Math.pow(2, Math.max(0, attempts - 1)), LONGEST_DELAY_MS); }

  function Outbox(device, options) {
    this.device = device;
    this.url = options.url;
    this.csrf = options.csrf || function () { return null; };
    this.drafts = options.drafts || null;
    this.running = null;
  }

  Outbox.prototype.queue = function (item) {
    return this.device.putItem(Object.assign({ queued_at: new Date().toISOString(), status: "waiting", attempts: 0,
                                               next_try_at: null, error: null }, item));
  };

  Outbox.prototype.headers = function (owner) {
    var csrf = this.csrf;
    return this.device.getCredential(owner).then(function (credential) {
      var headers = { "Content-Type": "application/json", "Accept": "application/json" };
      if (credential && credential.token) headers.Authorization = "Bearer " + credential.token;
      // With a live login session the server reads the session (then a write needs its CSRF header), else the token.
      if (csrf()) headers["X-CSRFToken"] = csrf();
      return headers;
    });
  };

  function readProblem(response) {
    return response.json().catch(function () { return {}; }).then(function (body) {
      return { status: response.status, message: body.message || ("Máy chủ từ chối phiếu (mã " + response.status + ")."),
               errors: body.errors || {}, code: body.code || "" };
    });
  }

  /** Sends the owner's waiting items, oldest first; one run at a time (a second call joins the running one). */
  Outbox.prototype.send = function (owner, force) {
    if (this.running) return this.running;
    var self = this;
    var result = { sent: [], refused: [], stopped: null };
    this.running = Promise.all([this.device.outbox(owner), this.headers(owner)]).then(function (found) {
      var now = Date.now();
      var due = found[0].filter(function (item) {
        return item.status === "waiting" && (force || !item.next_try_at || Date.parse(item.next_try_at) <= now);
      });
      return due.reduce(function (chain, item) {
        return chain.then(function () { return result.stopped ? null : self.sendOne(item, found[1], result); });
      }, Promise.resolve());
    }).then(function () { return result; }).finally(function () { self.running = null; });
    return this.running;
  };

  Outbox.prototype.sendOne = function (item, headers, result) {
    var self = this;
    var device = this.device;
    return root.fetch(this.url, { method: "POST", headers: headers, body: JSON.stringify(item.body),
                                  credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.status === 200 || response.status === 201) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            result.sent.push({ item: item, body: body });
            var steps = [device.removeItem(item.uuid)];
            if (self.drafts) steps.push(self.drafts.remove(item.uuid));
            if (item.body.new_household) steps.push(device.removeNewHousehold(item.body.new_household.client_uuid));
            return Promise.all(steps);
          });
        }
        if (response.status === 401 || response.type === "opaqueredirect") {
          result.stopped = "login";
          return null;
        }
        if (REFUSALS.indexOf(response.status) >= 0) {
          return readProblem(response).then(function (problem) {
            if (problem.code === "csrf") {  // the session's protection, not the submission: log in again, keep it
              result.stopped = "login";
              return null;
            }
            result.refused.push({ item: item, problem: problem });
            return device.putItem(Object.assign({}, item, { status: "refused", error: problem }));
          });
        }
        return self.later(item, result, "offline");
      }, function () { return self.later(item, result, "offline"); });
  };

  Outbox.prototype.later = function (item, result, reason) {
    result.stopped = reason;
    var attempts = (item.attempts || 0) + 1;
    return this.device.putItem(Object.assign({}, item, {
      attempts: attempts, next_try_at: new Date(Date.now() + backoff(attempts)).toISOString()
    }));
  };

  /** A refused item back to waiting (after the enumerator fixed it), or removed for good (after confirmation). */
  Outbox.prototype.requeue = function (item, body) {
    return this.device.putItem(Object.assign({}, item, { body: body || item.body, status: "waiting", attempts: 0,
                                                         next_try_at: null, error: null }));
  };

  Outbox.prototype.discard = function (item) {
    var steps = [this.device.removeItem(item.uuid)];
    if (this.drafts) steps.push(this.drafts.remove(item.uuid));
    if (item.body.new_household) steps.push(this.device.removeNewHousehold(item.body.new_household.client_uuid));
    return Promise.all(steps);
  };

  root.SurveyOutbox = { Outbox: Outbox, backoff: backoff };
})(window);
