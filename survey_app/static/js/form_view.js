/*
 * The questionnaire view: shows the compiled definition's form in the page, one section per screen (Previous/Next,
 * progress, section marks after a submit attempt), errors beside the questions (a missing answer only once its
 * section has been seen), dd/mm/yyyy dates, "Bỏ chọn" for optional single choices, repeat rows.
 *
 * The state is the answers JSON: every change reads the inputs into raw answers (readAnswers) and runs the pure
 * engine (engine.js, window.SurveyEngine) with the server's "today" (data-today); setAnswers(answers) writes
 * answers back into the inputs. The markup is the server's (fieldwork/_questions.html) or, on a page the server
 * did not render per household, built from the definition by form_markup.js (SurveyFormMarkup.render).
 *
 * Events, dispatched on the form element: "survey:change" (detail {answers: raw answers, position: the section
 * shown}) after each change by the enumerator; "survey:submit" (detail {action: "draft"|"submit", answers}) when a
 * save passes the checks. Questions that do not apply are disabled, so the plain post does not send them.
 * Plain ES2017; needs expr.js and engine.js.
 */
(function (root) {
  "use strict";

  var Engine = root.SurveyEngine;

  /** What an enumerator types into a date box, with the slashes put in: "1003" -> "10/03", "10032025" -> "10/03/2025". */
  function maskDate(text) {
    // Only digits, or what this mask made of them: typed with other slashes (1/3/2025) or ISO, left as typed.
    if (!/^(\d{2}\/){0,2}\d*$/.test(text)) return text;
    var digits = text.replace(/\//g, "").slice(0, 8);
    return digits.slice(0, 2) + (digits.length > 2 ? "/" + digits.slice(2, 4) : "") +
      (digits.length > 4 ? "/" + digits.slice(4) : "");
  }

  function pad(text) { text = String(text); return text.length < 2 ? "0" + text : text; }


  // ---- shown values (mirrors survey_app/fieldwork/rendering.py shown_value) -------------------------------

  function groupThousands(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }

  function formatNumber(x) {
    var negative = x < 0;
    var text = Math.abs(x).toFixed(Number.isInteger(x) ? 0 : 2);
    var parts = text.split(".");
    var result = groupThousands(parts[0]);
    if (parts[1]) {
      var decimals = parts[1].replace(/0+$/, "");
      if (decimals) result += "," + decimals;
    }
    return (negative && result !== "0" ? "-" : "") + result;
  }

  function shownValue(value) {
    if (value === null || value === undefined || value === "") return "";
    if (typeof value === "boolean") return value ? "Có" : "Không";
    if (typeof value === "number") return isFinite(value) ? formatNumber(value) : "";
    if (Array.isArray(value)) {
      return value.filter(function (v) { return v !== null && v !== "" && v !== undefined; })
        .map(shownValue).join(", ");
    }
    return String(value);
  }

  // ---- helpers --------------------------------------------------------------------------------------------

  function domId(path) {
    return "q-" + path.replace(/[\[\].]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function rowPath(repeat, index, name) {
    return name === undefined ? repeat + "[" + index + "]" : repeat + "[" + index + "]." + name;
  }

  function topName(path) { return path.split(/[\[.]/)[0]; }

  function escapeName(name) { return name.replace(/["\\]/g, "\\$&"); }

  function forEach(list, fn) { Array.prototype.forEach.call(list, fn); }

  // ---- the runtime ----------------------------------------------------------------------------------------

  function FormView(form, definition) {
    this.form = form;
    this.defn = definition;
    this.today = form.getAttribute("data-today");
    this.readOnly = form.getAttribute("data-read-only") === "1";
    this.submitAttempted = form.getAttribute("data-submit-attempted") === "1";
    this.questions = {};
    this.sectionsByName = {};
    var self = this;
    definition.sections.forEach(function (section) {
      self.sectionsByName[section.name] = section;
      section.questions.forEach(function (q) {
        self.questions[q.name] = q;
        (q.questions || []).forEach(function (child) { self.questions[child.name] = child; });
      });
    });
    this.sectionEls = Array.prototype.slice.call(form.querySelectorAll("section.form-section[data-section]"));
    // Sections already shown: only their missing answers are marked red (the server lists those it saw).
    this.visited = new Set((form.getAttribute("data-visited") || "").split(" ").filter(Boolean));
    this.current = 0;
    this.state = null;
    this.pendingAction = null;
    this.submitting = false;
  }

  // -- reading the inputs --

  FormView.prototype.inputs = function (name) {
    return this.form.querySelectorAll('[name="' + escapeName(name) + '"]');
  };

  FormView.prototype.rawValue = function (question, name) {
    var inputs = this.inputs(name);
    if (!inputs.length) return null;
    if (question.type === "select_multiple") {
      var chosen = [];
      forEach(inputs, function (input) { if (input.checked) chosen.push(input.value); });
      return chosen;
    }
    if (inputs[0].type === "radio") {
      var picked = null;
      forEach(inputs, function (input) { if (input.checked) picked = input.value; });
      return picked;
    }
    return inputs[0].value;
  };


  FormView.prototype.rowsContainer = function (repeat) {
    return this.form.querySelector('[data-rows-for="' + escapeName(repeat) + '"]');
  };

  FormView.prototype.activeRowEls = function (repeat) {
    var container = this.rowsContainer(repeat);
    if (!container) return [];
    return Array.prototype.filter.call(container.children, function (el) {
      return el.classList.contains("repeat-row") && !el.classList.contains("row-surplus");
    });
  };


  FormView.prototype.readRows = function (repeat) {
    var self = this;
    var q = this.questions[repeat];
    return this.activeRowEls(repeat).map(function (el, index) {
      var row = {};
      q.questions.forEach(function (child) {
        if (!Engine.isAnswerable(child)) return;
        var raw = self.rawValue(child, repeat + "-" + index + "-" + child.name);
        if (!Engine.isBlank(raw)) row[child.name] = raw;
      });
      return row;
    });
  };

  /** The answers as typed (raw: the engine coerces them), repeat rows as the page holds them. */
  FormView.prototype.readAnswers = function () {
    var self = this, answers = {};
    Object.keys(this.questions).forEach(function (name) {
      var q = self.questions[name];
      if (q.repeat) return;
      if (q.type === "repeat") {
        if (self.rowsContainer(name)) answers[name] = self.readRows(name);
      } else if (Engine.isAnswerable(q)) {
        var raw = self.rawValue(q, name);
        if (!Engine.isBlank(raw)) answers[name] = raw;
      }
    });
    return answers;
  };

  /** One engine run over the page's answers; repeat rows follow their counts (then the engine runs again). */
  FormView.prototype.run = function (submit) {
    for (var pass = 0; ; pass++) {
      var state = Engine.run(this.defn, this.readAnswers(), { today: this.today, submit: submit });
      var changed = false;
      var self = this;
      Object.keys(state.rows).forEach(function (repeat) {
        if (self.questions[repeat].repeat_count && self.activeRowEls(repeat).length !== state.rows[repeat].length) {
          self.setRowCount(repeat, state.rows[repeat].length);
          changed = true;
        }
      });
      if (!changed || pass > 2) return state;
    }
  };

  // -- repeat rows in the page --

  FormView.prototype.renameRow = function (el, repeat, oldIndex, newIndex) {
    var oldPrefix = repeat + "-" + oldIndex + "-";
    var newPrefix = repeat + "-" + newIndex + "-";
    var elements = [el].concat(Array.prototype.slice.call(el.querySelectorAll("[id], [name], [for]")));
    elements.forEach(function (node) {
      ["id", "name", "for"].forEach(function (attr) {
        var value = node.getAttribute(attr);
        if (value && value.indexOf(oldPrefix) >= 0) node.setAttribute(attr, value.split(oldPrefix).join(newPrefix));
      });
    });
    el.id = "q-" + repeat + "-" + newIndex;
    el.setAttribute("data-row", String(newIndex));
    var number = el.querySelector("[data-row-number]");
    if (number) number.textContent = String(Number(newIndex) + 1);
  };

  FormView.prototype.newRow = function (repeat, index) {
    var template = this.form.querySelector('template[data-row-template="' + escapeName(repeat) + '"]');
    var el = template.content.firstElementChild.cloneNode(true);
    this.renameRow(el, repeat, "__index__", index);
    var self = this;
    (this.questions[repeat].questions || []).forEach(function (child) {
      if (child.default !== null && child.default !== undefined && Engine.isAnswerable(child)) {
        self.setInputValue(el, repeat + "-" + index + "-" + child.name, child.default);
      }
    });
    return el;
  };

  FormView.prototype.setInputValue = function (scope, name, value) {
    if (value === undefined || value === null) value = "";  // an unanswered question: an empty input, not "undefined"
    var values = Array.isArray(value) ? value.map(String) : String(value).split(/\s+/);
    forEach(scope.querySelectorAll('[name="' + escapeName(name) + '"]'), function (input) {
      if (input.type === "radio" || input.type === "checkbox") input.checked = values.indexOf(input.value) >= 0;
      else input.value = Array.isArray(value) ? values.join(" ") : String(value);
    });
  };

  function setRowActive(el, active) {
    el.classList.toggle("row-surplus", !active);
    el.hidden = !active;
  }

  /** Exactly `count` active rows: surplus rows are kept (hidden, not posted) in case the count grows again. */
  FormView.prototype.setRowCount = function (repeat, count) {
    var container = this.rowsContainer(repeat);
    if (!container) return;
    var all = Array.prototype.filter.call(container.children, function (el) {
      return el.classList.contains("repeat-row");
    });
    for (var i = 0; i < all.length; i++) setRowActive(all[i], i < count);
    for (var index = all.length; index < count; index++) container.appendChild(this.newRow(repeat, index));
    this.structureChanged = true;
  };

  FormView.prototype.addRow = function (repeat) {
    var container = this.rowsContainer(repeat);
    var active = this.activeRowEls(repeat);
    forEach(container.querySelectorAll(".row-surplus"), function (el) { el.remove(); });
    var el = this.newRow(repeat, active.length);
    container.appendChild(el);
    this.dirty = true;
    this.update();
    var first = el.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  };

  FormView.prototype.removeRow = function (rowEl) {
    var repeat = rowEl.parentElement.getAttribute("data-rows-for");
    var filled = Array.prototype.some.call(rowEl.querySelectorAll("input, select, textarea"), function (input) {
      if (input.type === "hidden") return false;
      return input.type === "radio" || input.type === "checkbox" ? input.checked : input.value.trim() !== "";
    });
    if (filled && !root.confirm("Xóa dòng này và các câu trả lời của nó?")) return;
    rowEl.remove();
    this.dirty = true;
    var self = this;
    this.activeRowEls(repeat).forEach(function (el, index) {
      self.renameRow(el, repeat, el.getAttribute("data-row"), index);
    });
    this.update();
  };

  // -- showing the state --

  FormView.prototype.update = function () {
    this.structureChanged = false;
    this.state = this.run(this.submitAttempted);
    this.render(this.state);
    if (this.clientErrorReason) this.showClientErrors(this.clientErrorReason); // keep the count up to date
    if (this.dirty && !this.readOnly) this.emit("survey:change", { answers: this.readAnswers(), position: this.position() });
    return this.state;
  };

  FormView.prototype.render = function (state) {
    var self = this;
    this.sectionEls.forEach(function (el) {
      el.classList.toggle("section-skipped", !state.relevant.has(el.getAttribute("data-section")));
    });
    forEach(this.form.querySelectorAll(".q[data-q]"), function (el) {
      var path = self.pathOf(el);
      el.hidden = !state.relevant.has(path);
      var calc = el.querySelector(":scope > [data-calc]");
      if (calc) {
        calc.textContent = shownValue(state.lookup(el.getAttribute("data-q"), self.rowContext(state, el))) || "—";
      }
      self.showError(el, self.shownError(state, path));
      var clear = el.querySelector("[data-clear-choice]");
      if (clear) clear.hidden = !el.querySelector("input[type=radio]:checked");
    });
    forEach(this.form.querySelectorAll(".repeat-row:not(.row-surplus)"), function (el) {
      var repeat = el.parentElement.getAttribute("data-rows-for");
      self.showError(el, self.shownError(state, rowPath(repeat, el.getAttribute("data-row"))));
      var caption = el.querySelector("[data-row-caption]");
      var row = (state.rows[repeat] || [])[Number(el.getAttribute("data-row"))] || {};
      var firstText = (self.questions[repeat].questions || []).filter(function (c) { return c.type === "text"; })[0];
      if (caption) caption.textContent = firstText && row[firstText.name] ? " · " + row[firstText.name] : "";
    });
    // What does not apply is not posted: inputs of hidden questions, skipped sections and surplus rows.
    forEach(this.form.querySelectorAll(".form-body input, .form-body select, .form-body textarea"), function (input) {
      input.disabled = Boolean(input.closest(".row-surplus") || input.closest(".section-skipped") ||
        input.closest(".q[hidden]") || input.hasAttribute("data-locked"));
    });
    forEach(this.form.querySelectorAll("[data-repeat]"), function (el) {
      var empty = el.querySelector("[data-repeat-empty]");
      if (empty) empty.hidden = self.activeRowEls(el.getAttribute("data-repeat")).length > 0;
    });
    forEach(this.form.querySelectorAll("span.ref[data-ref]"), function (span) {
      span.textContent = shownValue(state.lookup(span.getAttribute("data-ref"), self.rowContext(state, span)));
    });
    this.showSection(this.current, false);
  };

  /** The error shown at a path: a missing answer only once its section has been seen. */
  FormView.prototype.shownError = function (state, path) {
    if (!state.missing.has(path) || this.isVisited(this.sectionIndexOf(path))) return state.errors[path];
    return undefined;
  };

  FormView.prototype.isVisited = function (index) {
    return index >= 0 && this.visited.has(this.sectionEls[index].getAttribute("data-section"));
  };

  FormView.prototype.markVisited = function (index) {
    if (!this.sectionEls[index] || this.isVisited(index)) return;
    this.visited.add(this.sectionEls[index].getAttribute("data-section"));
    if (this.state) this.render(this.state); // its missing answers show from now on
  };

  /** After a submit attempt, one mark per section: its errors, "chưa xem" when not yet shown, or done. */
  FormView.prototype.renderMarks = function (state) {
    var marks = this.form.querySelector("[data-section-marks]");
    if (!marks) return;
    marks.hidden = !this.submitAttempted;
    var self = this;
    forEach(marks.querySelectorAll("[data-goto-section]"), function (button) {
      var index = self.sectionEls.findIndex(function (el) {
        return el.getAttribute("data-section") === button.getAttribute("data-goto-section");
      });
      var skipped = self.sectionEls[index].classList.contains("section-skipped");
      var seen = self.isVisited(index);
      var count = self.errorsIn(index, state.errors).filter(function (path) {
        return self.shownError(state, path) !== undefined;
      }).length;
      var text = skipped ? "không áp dụng" : !seen ? "chưa xem" : count ? count + " lỗi" : "xong";
      button.querySelector("[data-mark-state]").textContent = text;
      button.className = "btn section-mark " + (skipped ? "mark-skipped" : !seen ? "mark-unseen" : count ? "mark-errors" : "mark-done");
      button.parentElement.hidden = skipped;
      if (index === self.current) button.setAttribute("aria-current", "step");
      else button.removeAttribute("aria-current");
    });
  };

  FormView.prototype.pathOf = function (el) {
    var name = el.getAttribute("data-q");
    var rowEl = el.closest(".repeat-row");
    if (!rowEl || rowEl === el) return name;
    var repeat = rowEl.parentElement.getAttribute("data-rows-for");
    return rowPath(repeat, rowEl.getAttribute("data-row"), name);
  };

  FormView.prototype.rowContext = function (state, el) {
    var rowEl = el.closest(".repeat-row");
    if (!rowEl || !rowEl.parentElement) return null;
    var repeat = rowEl.parentElement.getAttribute("data-rows-for");
    var row = (state.rows[repeat] || [])[Number(rowEl.getAttribute("data-row"))];
    return row ? { repeat: repeat, row: row } : null;
  };

  FormView.prototype.showError = function (el, message) {
    var line = el.querySelector(":scope > [data-error]");
    if (!line) return;
    if (!message && el.hasAttribute("data-server-error") && !el.hasAttribute("data-touched")) {
      message = el.getAttribute("data-server-error");
    }
    line.textContent = message || "";
    line.hidden = !message;
    el.classList.toggle("has-error", Boolean(message));
  };

  // -- sections, one per screen --

  FormView.prototype.relevantSectionIndexes = function () {
    var list = [];
    this.sectionEls.forEach(function (el, i) { if (!el.classList.contains("section-skipped")) list.push(i); });
    return list;
  };

  FormView.prototype.showSection = function (index, scroll) {
    var relevant = this.relevantSectionIndexes();
    if (!relevant.length) return;
    if (relevant.indexOf(index) < 0) {
      var next = relevant.filter(function (i) { return i > index; })[0];
      index = next !== undefined ? next : relevant[relevant.length - 1];
    }
    if (index !== this.current) this.markVisited(this.current); // a section left has been seen
    this.current = index;
    var name = this.sectionEls[index].getAttribute("data-section");
    var position = this.form.querySelector('[data-meta="section"]');
    if (position) position.value = name;
    this.sectionEls.forEach(function (el, i) { el.classList.toggle("is-current", i === index); });
    var place = relevant.indexOf(index) + 1;
    var text = this.form.querySelector("[data-progress-text]");
    if (text) text.textContent = "Phần " + place + "/" + relevant.length;
    var label = this.form.querySelector("[data-progress-label]");
    if (label) label.textContent = this.sectionEls[index].querySelector(".section-title").textContent;
    var bar = this.form.querySelector("[data-progress-bar]");
    if (bar) bar.style.width = Math.round(100 * place / relevant.length) + "%";
    var prev = this.form.querySelector('[data-nav="prev"]');
    var nextButton = this.form.querySelector('[data-nav="next"]');
    if (prev) prev.disabled = place <= 1;
    if (nextButton) nextButton.hidden = place >= relevant.length;
    this.form.classList.toggle("on-last-section", place >= relevant.length);
    if (this.state) this.renderMarks(this.state);
    if (scroll) this.form.scrollIntoView({ block: "start" });
  };

  FormView.prototype.move = function (step) {
    var relevant = this.relevantSectionIndexes();
    var position = relevant.indexOf(this.current);
    if (step > 0) {
      var blocking = this.errorsIn(this.current, this.run(false).errors);
      if (blocking.length) {
        this.showClientErrors("next");
        this.focusPath(blocking[0]);
        return;
      }
    }
    var target = relevant[Math.max(0, Math.min(relevant.length - 1, position + step))];
    this.showClientErrors(null);
    this.showSection(target, true);
  };

  FormView.prototype.sectionIndexOf = function (path) {
    var q = this.questions[topName(path)];
    var name = q ? q.section : null;
    for (var i = 0; i < this.sectionEls.length; i++) {
      if (this.sectionEls[i].getAttribute("data-section") === name) return i;
    }
    return -1;
  };

  FormView.prototype.errorsIn = function (sectionIndex, errors) {
    var self = this;
    return Object.keys(errors).filter(function (path) { return self.sectionIndexOf(path) === sectionIndex; });
  };

  FormView.prototype.focusPath = function (path) {
    var index = this.sectionIndexOf(path);
    if (index >= 0) this.showSection(index, false);
    var el = document.getElementById(domId(path));
    if (!el) return;
    el.scrollIntoView({ block: "center" });
    var input = el.querySelector("input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])");
    if (input) input.focus({ preventScroll: true });
  };

  /** The message above the save buttons after a refused move or save ("next", "draft", "submit" or null). */
  FormView.prototype.showClientErrors = function (reason) {
    var box = this.form.querySelector("[data-client-errors]");
    if (!box) return;
    this.clientErrorReason = reason;
    var count = 0;
    var unseen = [], shownCount = 0;
    if (reason === "submit") {
      count = Object.keys(this.state.errors).length;
      var self = this;
      shownCount = Object.keys(this.state.errors).filter(function (path) {
        return self.shownError(self.state, path) !== undefined;
      }).length;
      this.relevantSectionIndexes().forEach(function (index) {
        if (!self.isVisited(index) && self.errorsIn(index, self.state.errors).length) unseen.push(index + 1);
      });
    }
    else if (reason === "draft") count = Object.keys(this.run(false).errors).length;
    else if (reason === "next") count = this.errorsIn(this.current, this.run(false).errors).length;
    var messages = {
      next: "Câu trả lời chưa hợp lệ trong phần này. Hãy sửa trước khi sang phần sau.",
      draft: "Chưa lưu được: còn " + count + " câu trả lời chưa hợp lệ. Hãy sửa các câu được đánh dấu đỏ.",
      submit: unseen.length && !shownCount
        ? "Chưa gửi được: phần " + unseen.join(", ") + " chưa xem, còn câu phải trả lời. Bấm “Phần sau ›” để trả lời tiếp."
        : "Chưa gửi được: còn " + (unseen.length ? shownCount : count) + " câu chưa trả lời hoặc chưa hợp lệ. Hãy sửa các câu được đánh dấu đỏ." +
          (unseen.length ? " Các phần chưa xem còn câu phải trả lời: " + unseen.join(", ") + "." : "")
    };
    box.textContent = count ? messages[reason] : "";
    box.hidden = !count;
    if (!count) this.clientErrorReason = null;
  };

  FormView.prototype.gotoSection = function (name) {
    var index = this.sectionEls.findIndex(function (el) { return el.getAttribute("data-section") === name; });
    if (index >= 0) this.showSection(index, true);
  };

  /** "Bỏ chọn": an optional single choice back to unanswered. */
  FormView.prototype.clearChoice = function (el) {
    forEach(el.querySelectorAll("input[type=radio]"), function (input) { input.checked = false; });
    el.setAttribute("data-touched", "1");
    this.dirty = true;
    this.update();
    var first = el.querySelector("input[type=radio]:not([disabled])");
    if (first) first.focus();
  };

  // -- saving --

  FormView.prototype.onSubmit = function (event) {
    if (this.submitting || this.readOnly) {
      event.preventDefault();
      return;
    }
    var submitter = event.submitter || this.pendingAction;
    var action = submitter ? submitter.getAttribute("data-action") : "draft";
    if (action === "submit") {
      this.submitAttempted = true;
      this.markVisited(this.current);
    }
    var shown = this.update();
    // A draft may be incomplete, but the server refuses invalid answers in drafts too.
    var paths = Object.keys(action === "submit" ? shown.errors : this.run(false).errors);
    if (paths.length) {
      event.preventDefault();
      this.showClientErrors(action);
      var self = this;
      var seen = paths.filter(function (path) { return self.shownError(shown, path) !== undefined; });
      // Errors of sections seen: go to the first; only unseen sections left: stay, the marks say "chưa xem".
      if (seen.length) this.focusPath(this.firstInOrder(seen));
      else this.form.querySelector("[data-progress]").scrollIntoView({ block: "start" });
      return;
    }
    this.submitting = true;
    this.emit("survey:submit", { action: action, answers: this.readAnswers() });
  };

  FormView.prototype.firstInOrder = function (paths) {
    var self = this;
    var ordered = paths.slice().sort(function (a, b) {
      var ea = document.getElementById(domId(a)), eb = document.getElementById(domId(b));
      if (ea && eb && ea !== eb) return ea.compareDocumentPosition(eb) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
      return self.sectionIndexOf(a) - self.sectionIndexOf(b);
    });
    return ordered[0];
  };

  // -- answers in, answers out --

  FormView.prototype.uuidInput = function () { return this.form.querySelector('[data-meta="uuid"]'); };

  function shownInput(question, value) {
    if (question.type === "date" && typeof value === "string") {
      var iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      if (iso) return iso[3] + "/" + iso[2] + "/" + iso[1];
    }
    return value;
  }

  /** Writes answers (raw or cleaned) into the inputs: rows first, then every answer; unanswered ones cleared. */
  FormView.prototype.setAnswers = function (answers) {
    var self = this;
    answers = answers || {};
    Object.keys(this.questions).forEach(function (name) {
      var q = self.questions[name];
      if (q.repeat) return;
      if (q.type === "repeat") {
        var rows = Array.isArray(answers[name]) ? answers[name] : [];
        if (!self.rowsContainer(name)) return;
        self.setRowCount(name, rows.length);
        rows.forEach(function (row, index) {
          (q.questions || []).forEach(function (child) {
            if (Engine.isAnswerable(child)) {
              var value = row && typeof row === "object" ? row[child.name] : null;
              self.setInputValue(self.form, rowFieldName(name, index, child.name), shownInput(child, value));
            }
          });
        });
      } else if (Engine.isAnswerable(q)) {
        self.setInputValue(self.form, name, shownInput(q, answers[name]));
      }
    });
    this.update();
  };

  function rowFieldName(repeat, index, child) { return repeat + "-" + index + "-" + child; }

  /** The answers to send (irrelevant ones dropped, calculations computed), as the server will store them. */
  FormView.prototype.answersToSend = function () { return this.run(false).answers; };

  FormView.prototype.position = function () {
    return this.sectionEls[this.current] ? this.sectionEls[this.current].getAttribute("data-section") : "";
  };

  FormView.prototype.goToPosition = function (name) {
    var index = this.sectionEls.findIndex(function (el) { return el.getAttribute("data-section") === name; });
    if (index >= 0) this.current = index;
  };

  FormView.prototype.emit = function (type, detail) {
    this.form.dispatchEvent(new CustomEvent(type, { detail: detail }));
  };


  // -- wiring --

  FormView.prototype.start = function () {
    var self = this;
    var form = this.form;
    document.documentElement.classList.add("js");
    form.classList.add("is-paged");
    forEach(form.querySelectorAll(".q, .repeat-row"), function (el) {
      var line = el.querySelector(":scope > [data-error]");
      if (line && line.textContent.trim()) el.setAttribute("data-server-error", line.textContent.trim());
    });
    // Where the page opens: the first section with a server error, else where the draft stopped, else where
    // this device's draft was (applied later by the page: IndexedDB answers asynchronously).
    var start = form.getAttribute("data-start-section");
    if (start) {
      var index = this.sectionEls.findIndex(function (el) { return el.getAttribute("data-section") === start; });
      if (index >= 0) this.current = index;
    }
    this.update();
    var listed = Array.prototype.map.call(document.querySelectorAll("[data-goto]"), function (link) {
      return link.getAttribute("data-goto");
    });
    if (start && listed.length) this.focusPath(this.firstInOrder(listed));

    var onChange = function (event) {
      if (event.type === "input" && event.target.hasAttribute("data-date")) {
        event.target.value = maskDate(event.target.value);
      }
      var q = event.target.closest && event.target.closest(".q");
      if (q) q.setAttribute("data-touched", "1");
      self.dirty = true;
      self.update();
    };
    form.addEventListener("input", onChange);
    form.addEventListener("change", onChange);
    form.addEventListener("click", function (event) {
      var target = event.target.closest("button");
      if (!target) return;
      if (target.hasAttribute("data-nav")) self.move(target.getAttribute("data-nav") === "next" ? 1 : -1);
      else if (target.hasAttribute("data-add-row")) self.addRow(target.getAttribute("data-add-row"));
      else if (target.hasAttribute("data-remove-row")) self.removeRow(target.closest(".repeat-row"));
      else if (target.hasAttribute("data-action")) self.pendingAction = target;
      else if (target.hasAttribute("data-clear-choice")) self.clearChoice(target.closest(".q"));
      else if (target.hasAttribute("data-goto-section")) self.gotoSection(target.getAttribute("data-goto-section"));
    });
    form.addEventListener("keydown", function (event) {
      // The tablet keyboard's Enter/"Go" moves to the next input instead of posting the form.
      var target = event.target;
      if (event.key !== "Enter" || target.tagName !== "INPUT" || target.type === "submit") return;
      event.preventDefault();
      var inputs = Array.prototype.filter.call(form.querySelectorAll("input, select, textarea"), function (el) {
        return el.type !== "hidden" && !el.disabled && el.offsetParent !== null;
      });
      var next = inputs[inputs.indexOf(target) + 1];
      if (next) next.focus();
    });
    form.addEventListener("submit", function (event) { self.onSubmit(event); });
    forEach(document.querySelectorAll("[data-goto]"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        self.focusPath(link.getAttribute("data-goto"));
      });
    });
  };

  root.SurveyFormView = { FormView: FormView, shownValue: shownValue, domId: domId, maskDate: maskDate };
})(window);
