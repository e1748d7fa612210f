/*
 * The server-rendered questionnaire page (fieldwork/questionnaire.html) on the offline modules: the view
 * (form_view.js) over the server's markup, its answers kept as a draft in IndexedDB (draft_store.js) as the
 * enumerator types, restored after a reload or a crash before the page was saved. Also on the household list after
 * a save (#saved-submission): the draft of the saved submission is no longer needed and is removed.
 * Without JavaScript the page is a plain posted form.
 */
(function (root) {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function showRestored(when) {
    var notice = document.querySelector("[data-restore-notice]");
    if (!notice) return;
    notice.querySelector("[data-restore-text]").textContent =
      "Đã khôi phục các câu trả lời chưa lưu trên máy này (nhập lúc " + pad(when.getHours()) + ":" +
      pad(when.getMinutes()) + " ngày " + pad(when.getDate()) + "/" + pad(when.getMonth() + 1) + "). " +
      "Hãy bấm “Lưu nháp” hoặc “Gửi phiếu” để lưu lên máy chủ.";
    notice.hidden = false;
  }

  function draftOf(view, form) {
    return {
      uuid: view.uuidInput().value, owner: form.getAttribute("data-owner"), round: form.getAttribute("data-round"),
      household: form.getAttribute("data-household"), form_version: view.defn.version,
      base: form.getAttribute("data-base-version"), answers: view.readAnswers(), position: view.position()
    };
  }

  /** The device's draft of this household into the page, when it is newer than what the server rendered. */
  function restore(store, view, form) {
    var owner = form.getAttribute("data-owner");
    var pending = form.getAttribute("data-has-submission") === "1" ? Promise.resolve(null)
      : store.pendingFor(owner, form.getAttribute("data-round"), form.getAttribute("data-household"));
    return pending.then(function (found) {
      if (found) {  // not saved on the server yet: keep the UUID this device made the first time
        view.uuidInput().value = found.uuid;
        form.setAttribute("data-uuid", found.uuid);
      }
      return store.get(view.uuidInput().value);
    }).then(function (draft) {
      if (!draft || draft.owner !== owner) return false;
      // A refused post: the page shows exactly the answers just posted, newer than any draft; they become the draft.
      if (form.getAttribute("data-start-error") === "1") return store.put(draftOf(view, form)).then(function () { return false; });
      if (draft.base !== form.getAttribute("data-base-version")) return store.remove(draft.uuid).then(function () { return false; });
      var before = JSON.stringify(view.readAnswers());
      view.setAnswers(draft.answers);
      if (JSON.stringify(view.readAnswers()) === before) return true;
      view.goToPosition(draft.position);
      view.update();
      showRestored(new Date(draft.legacy_saved_at || draft.updated_at));
      return true;
    });
  }

  function startDrafts(view, form) {
    var drafts = root.SurveyDrafts;
    root.surveyDrafts = drafts.open().then(function (store) {
      var owner = form.getAttribute("data-owner");
      var saver = drafts.autosave(function () { return store.put(draftOf(view, form)); });
      return drafts.migrateLocalStorage(store, owner).then(function () { return restore(store, view, form); })
        .then(function () {
          form.addEventListener("survey:change", saver.schedule);
          form.addEventListener("survey:submit", saver.flush);
          var discard = document.querySelector("[data-discard-backup]");
          if (discard) {
            discard.addEventListener("click", function () {
              store.remove(view.uuidInput().value).then(function () { root.location.reload(); });
            });
          }
          form.setAttribute("data-drafts-ready", "1");
          return store;
        });
    }).catch(function () { return null; });  // no IndexedDB: the form works, without drafts on the device
    drafts.checkStorage(document.querySelector("[data-storage-warning]"));
  }

  function forgetSaved() {
    var marker = document.getElementById("saved-submission");
    if (!marker || !root.SurveyDrafts) return;
    root.SurveyDrafts.open().then(function (store) {
      return store.remove(marker.getAttribute("data-uuid"));
    }).catch(function () { /* no drafts on this device */ });
  }

  function init() {
    forgetSaved();
    var form = document.getElementById("questionnaire");
    var source = document.getElementById("form-definition");
    if (!form || !source || !root.SurveyFormView) return;
    var view = new root.SurveyFormView.FormView(form, JSON.parse(source.textContent));
    view.start();
    root.surveyForm = view;
    if (form.getAttribute("data-read-only") !== "1" && root.SurveyDrafts) startDrafts(view, form);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})(window);
