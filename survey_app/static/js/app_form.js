/*
 * One household's questionnaire in the offline app (window.SurveyAppForm.open(container, ctx, key, app)): the form
 * drawn from the definition kept on the device (form_markup.js) and run by form_view.js; its answers a draft in
 * IndexedDB as the enumerator types (draft_store.js); "Gửi phiếu" puts it in the outbox (outbox.js).
 *
 * Which answers open: the outbox item of the household (a waiting or refused submission, to fix), else its draft,
 * else the returned submission from the package (with the supervisors' comments; sent back with base_version),
 * else a draft saved on the server by the web form (the package's drafts, reopened on its section),
 * else the register's prefill (a question's "prefill": "household.<field>"). Which definition: the version the
 * draft or item was started on (kept per version), else the returned submission's or server draft's, else the
 * round's current one.
 * A submission already sent and not returned opens as its state only: the server has it.
 */
(function (root) {
  "use strict";

  var Homes = root.SurveyAppHouseholds;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function prefilled(definition, household) {
    var answers = {};
    definition.sections.forEach(function (section) {
      section.questions.forEach(function (q) {
        var source = typeof q.prefill === "string" ? /^household\.(\w+)$/.exec(q.prefill) : null;
        if (source && household[source[1]] !== undefined && household[source[1]] !== null) answers[q.name] = household[source[1]];
      });
    });
    return answers;
  }

  function banner(household, ctx, returned, item) {
    var card = el("section", { "class": "card household-banner", "aria-label": "Thông tin hộ" });
    var title = el("h1", {}, household.head_name + " ");
    title.appendChild(el("span", { "class": "muted hh-code" }, household.isNew ? "hộ mới, chưa có mã" : household.code));
    card.appendChild(title);
    card.appendChild(el("p", { "class": "muted banner-round" }, ctx.round.name));
    card.appendChild(el("p", {}, "Nhân khẩu: " + household.members + (household.address ? " · " + household.address : "")));
    (returned ? returned.comments : []).forEach(function (comment) {
      card.appendChild(el("div", { "class": "review-comment flash flash-warning", role: "note" },
                          "Giám sát trả lại phiếu: " + comment.body));
    });
    if (item && item.status === "refused") {
      card.appendChild(el("div", { "class": "flash flash-danger", role: "alert", "data-refusal": "" },
                          "Máy chủ từ chối phiếu: " + item.error.message + " Hãy sửa rồi gửi lại, hoặc bỏ phiếu ở danh sách hộ."));
    } else if (item) {
      card.appendChild(el("p", { "class": "flash", role: "status" }, "Phiếu đang nằm trên máy, chờ gửi. Sửa rồi bấm “Gửi phiếu” để thay bản chờ gửi."));
    }
    return card;
  }

  function open(container, ctx, key, app) {
    container.textContent = "";
    var household = Homes.households(ctx).filter(function (h) { return h.key === key; })[0];
    if (!household) {
      container.appendChild(el("p", { "class": "flash flash-warning" }, "Hộ này không còn trong địa bàn của bạn trên máy."));
      return Promise.resolve();
    }
    var item = Homes.itemFor(ctx, key);
    var draft = Homes.draftFor(ctx, key);
    var server = household.server;
    var ofThis = function (r) { return r.household === key && r.round === ctx.round.code; };
    var returned = ctx.pkg.returned.filter(ofThis)[0];
    var saved = (ctx.pkg.drafts || []).filter(ofThis)[0];  // a draft saved on the server by the web form
    var home = "#/r/" + encodeURIComponent(ctx.round.code);
    if (!item && !draft && server && root.SurveyApp.editable.indexOf(server.state) < 0) {
      container.appendChild(banner(household, ctx, null, null));
      container.appendChild(el("p", { "class": "flash", role: "note" }, "Phiếu đã gửi, trạng thái “" + server.state_label + "”: không sửa trên máy."));
      container.appendChild(el("a", { "class": "btn", href: home }, "Về danh sách hộ"));
      return Promise.resolve();
    }
    var baseVersion = item ? item.body.base_version : draft ? draft.base_version : returned ? returned.version_number : null;
    var definitionId = (item || draft || {}).definition_id || (returned || saved || {}).questionnaire_version_id ||
      ctx.round.questionnaire_version_id;
    return app.device.getDefinition(definitionId).then(function (doc) {
      if (!doc) {
        container.appendChild(el("p", { "class": "flash flash-warning" }, "Bảng hỏi của đợt này chưa tải về máy: hãy mở ứng dụng khi có mạng."));
        return;
      }
      var definition = doc.definition;
      var uuid = (item || draft || {}).uuid || (server ? server.uuid : root.SurveyDevice.newUuid());
      var answers = item ? item.body.answers : draft ? draft.answers : returned ? returned.answers : saved ? saved.answers : null;
      var position = draft ? draft.position : saved ? saved.position : "";
      var started = (item && item.body.started_at) || (draft && draft.started_at) || new Date().toISOString();
      container.appendChild(banner(household, ctx, returned, item));
      var form = el("form", { id: "questionnaire" });
      container.appendChild(form);
      root.SurveyFormMarkup.draw(form, definition, { uuid: uuid, round: ctx.round.code, household: key, today: ctx.pkg.today,
                                                     owner: ctx.owner, firstOpening: !answers, startSection: position || "" });
      var view = new root.SurveyFormView.FormView(form, definition);
      view.start();
      view.setAnswers(answers || Object.assign(prefilled(definition, household), {}));
      if (position) view.goToPosition(position);
      root.surveyForm = view;

      function record() {
        return { uuid: uuid, owner: String(ctx.owner), household: key, round: ctx.round.code, form_version: definition.version,
                 definition_id: definitionId, base: baseVersion ? "v" + baseVersion : "", base_version: baseVersion || null,
                 answers: view.readAnswers(), position: view.position(), started_at: started };
      }

      function submission() {
        var sent = { uuid: uuid, round: ctx.round.code, form_version: definition.version, answers: view.answersToSend(),
                     submit: true, started_at: started, finished_at: new Date().toISOString() };
        if (household.isNew) {
          sent.new_household = { client_uuid: household.client_uuid, village: household.village, head_name: household.head_name,
                                 ethnic_group: household.ethnic_group, members: household.members, address: household.address || "" };
        } else {
          sent.household = household.code;
        }
        if (baseVersion) sent.base_version = baseVersion;
        return sent;
      }

      var saver = root.SurveyDrafts.autosave(function () { return app.drafts.put(record()); });
      form.addEventListener("survey:change", saver.schedule);
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      form.addEventListener("survey:submit", function (event) {
        view.submitting = false;
        if (event.detail.action === "draft") {
          app.drafts.put(record()).then(function () { return item ? app.device.removeItem(uuid) : null; }).then(function () {
            item = null;
            root.SurveyApp.say("Đã lưu nháp trên máy.", "success");
          });
          return;
        }
        var label = household.head_name + (household.isNew ? " (hộ mới)" : " (" + household.code + ")");
        var queued = { uuid: uuid, owner: String(ctx.owner), body: submission(), household: key, round: ctx.round.code,
                       label: label, definition_id: definitionId };
        if (item) queued.queued_at = item.queued_at;  // a fixed item keeps its place in the queue
        app.outbox.queue(queued)
          .then(function () { return app.drafts.remove(uuid); })
          .then(function () {
            root.location.hash = home;
            root.SurveyApp.say("Phiếu của hộ " + label + " đã nằm trên máy, sẽ gửi khi có mạng.", "success");
            if (root.navigator.onLine) root.SurveyApp.syncNow(true);
          });
      });
      form.setAttribute("data-drafts-ready", "1");
    });
  }

  root.SurveyAppForm = { open: open, prefilled: prefilled };
})(window);
