/*
 * Browser runtime of the household questionnaire (survey_app/fieldwork/templates/fieldwork/questionnaire.html).
 *
 * Reads the compiled definition embedded in the page (<script type="application/json" id="form-definition">)
 * and the form's inputs, and on every input runs the same algorithm as the server
 * (survey_app/core/questionnaire/answers.py, values.py): coercion of the typed values, relevance and
 * calculations in the compiled evaluation order, repeat rows fixed by repeat_count, then constraints and (after
 * a submit attempt) required answers. Questions that do not apply are hidden and their inputs disabled, so they
 * are not posted; the server re-checks everything anyway.
 *
 * Also: one section per screen with Previous/Next and a progress bar, blocking "Gửi phiếu" while errors
 * remain, and a local backup of the answers in localStorage keyed by the submission UUID (restored after a
 * reload before saving). Plain ES2017; needs only expr.js (window.SurveyExpr).
 */
(function (root) {
  "use strict";

  var BACKUP_PREFIX = "survey-form:";
  var PENDING_PREFIX = "survey-pending:";
  var hasOwn = Object.prototype.hasOwnProperty;

  // ---- answer values (mirrors survey_app/core/questionnaire/values.py) ------------------------------------

  var INTEGER = /^[+-]?\d+$/;
  var GROUPED_INTEGER = /^[+-]?\d{1,3}(\.\d{3})+$/;
  var DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
  var VN_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

  function isBlank(raw) {
    return raw === null || raw === undefined || (typeof raw === "string" && raw.trim() === "") ||
      (Array.isArray(raw) && raw.length === 0);
  }

  function TypeProblem(message) { this.message = message; }

  function coerceInteger(text) {
    text = text.trim().replace(/ /g, "");
    if (INTEGER.test(text)) return parseInt(text, 10);
    if (GROUPED_INTEGER.test(text)) return parseInt(text.replace(/\./g, ""), 10);
    throw new TypeProblem("Phải là số nguyên");
  }

  function coerceDecimal(text) {
    text = text.trim().replace(/ /g, "");
    var dots = (text.match(/\./g) || []).length;
    var commas = (text.match(/,/g) || []).length;
    if (commas && dots) {
      text = text.replace(/\./g, "").replace(/,/g, ".");
    } else if (commas) {
      if (commas > 1) throw new TypeProblem("Phải là số");
      text = text.replace(",", ".");
    } else if (dots > 1) {
      if (!GROUPED_INTEGER.test(text)) throw new TypeProblem("Phải là số");
      text = text.replace(/\./g, "");
    }
    if (DECIMAL.test(text)) return parseFloat(text);
    throw new TypeProblem("Phải là số");
  }

  function coerceDate(text) {
    text = text.trim();
    var vn = VN_DATE.exec(text);
    if (vn) text = vn[3] + "-" + pad(vn[2]) + "-" + pad(vn[1]);
    var iso = ISO_DATE.exec(text);
    if (iso) {
      var year = +iso[1], month = +iso[2], day = +iso[3];
      var check = new Date(Date.UTC(year, month - 1, day));
      if (year >= 1 && check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 &&
          check.getUTCDate() === day) return text;
    }
    if (vn) throw new TypeProblem("Không có ngày " + pad(vn[1]) + "/" + pad(vn[2]) + "/" + vn[3] + " trong lịch");
    throw new TypeProblem("Ngày không hợp lệ: nhập ngày/tháng/năm, ví dụ 10/03/2025");
  }

  /** What an enumerator types into a date box, with the slashes put in: "1003" -> "10/03", "10032025" -> "10/03/2025". */
  function maskDate(text) {
    // Only digits, or what this mask made of them: typed with other slashes (1/3/2025) or ISO, left as typed.
    if (!/^(\d{2}\/){0,2}\d*$/.test(text)) return text;
    var digits = text.replace(/\//g, "").slice(0, 8);
    return digits.slice(0, 2) + (digits.length > 2 ? "/" + digits.slice(2, 4) : "") +
      (digits.length > 4 ? "/" + digits.slice(4) : "");
  }

  function pad(text) { text = String(text); return text.length < 2 ? "0" + text : text; }

  /** The stored form of a raw input value, null when unanswered; throws TypeProblem. */
  function coerce(question, raw) {
    if (isBlank(raw)) return null;
    switch (question.type) {
      case "integer": return coerceInteger(String(raw));
      case "decimal": return coerceDecimal(String(raw));
      case "date": return coerceDate(String(raw));
      case "text": return String(raw).trim();
      case "select_one": return String(raw).trim();
      case "select_multiple": {
        var chosen = Array.isArray(raw) ? raw : String(raw).split(/\s+/);
        var names = (question.choices || []).map(function (c) { return c.name; });
        var kept = names.filter(function (name) { return chosen.indexOf(name) >= 0; });
        return kept.length ? kept : null;
      }
      default: return null;
    }
  }

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

  function collectRefs(ast, found) {
    if (!Array.isArray(ast)) return found;
    if (ast[0] === "ref" && typeof ast[1] === "string") {
      if (found.indexOf(ast[1]) < 0) found.push(ast[1]);
      return found;
    }
    for (var i = 1; i < ast.length; i++) collectRefs(ast[i], found);
    return found;
  }

  function escapeName(name) { return name.replace(/["\\]/g, "\\$&"); }

  function forEach(list, fn) { Array.prototype.forEach.call(list, fn); }

  // ---- the runtime ----------------------------------------------------------------------------------------

  function FormRuntime(form, definition) {
    this.form = form;
    this.defn = definition;
    this.readOnly = form.getAttribute("data-read-only") === "1";
    this.submitAttempted = form.getAttribute("data-submit-attempted") === "1";
    this.questions = {};
    this.sectionsByName = {};
    this.refsCache = new Map();
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

  FormRuntime.prototype.refsOf = function (rule) {
    var refs = this.refsCache.get(rule);
    if (!refs) {
      refs = collectRefs(rule.ast, []);
      this.refsCache.set(rule, refs);
    }
    return refs;
  };

  // -- reading the inputs --

  FormRuntime.prototype.inputs = function (name) {
    return this.form.querySelectorAll('[name="' + escapeName(name) + '"]');
  };

  FormRuntime.prototype.rawValue = function (question, name) {
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

  FormRuntime.prototype.readInto = function (question, name, path, holder, state) {
    try {
      var value = coerce(question, this.rawValue(question, name));
      if (value !== null) holder[question.name] = value;
    } catch (problem) {
      if (!(problem instanceof TypeProblem)) throw problem;
      state.errors[path] = problem.message;
    }
  };

  FormRuntime.prototype.rowsContainer = function (repeat) {
    return this.form.querySelector('[data-rows-for="' + escapeName(repeat) + '"]');
  };

  FormRuntime.prototype.activeRowEls = function (repeat) {
    var container = this.rowsContainer(repeat);
    if (!container) return [];
    return Array.prototype.filter.call(container.children, function (el) {
      return el.classList.contains("repeat-row") && !el.classList.contains("row-surplus");
    });
  };

  FormRuntime.prototype.readRows = function (repeat, state) {
    var self = this;
    var q = this.questions[repeat];
    return this.activeRowEls(repeat).map(function (el, index) {
      var row = {};
      q.questions.forEach(function (child) {
        if (isAnswerable(child)) {
          self.readInto(child, repeat + "-" + index + "-" + child.name, rowPath(repeat, index, child.name), row, state);
        }
      });
      return row;
    });
  };

  function isAnswerable(q) {
    return ["integer", "decimal", "text", "select_one", "select_multiple", "date"].indexOf(q.type) >= 0;
  }

  // -- the evaluation pass (answers.py _Run) --

  FormRuntime.prototype.lookup = function (state, name, ctx) {
    var q = this.questions[name];
    if (!q) return null;
    if (q.type === "repeat") {
      var numbers = [];
      for (var i = 1; i <= (state.rows[name] || []).length; i++) numbers.push(i);
      return numbers;
    }
    if (q.repeat) {
      if (ctx && ctx.repeat === q.repeat) return hasOwn.call(ctx.row, name) ? ctx.row[name] : null;
      return (state.rows[q.repeat] || []).map(function (row) { return hasOwn.call(row, name) ? row[name] : null; });
    }
    return hasOwn.call(state.values, name) ? state.values[name] : null;
  };

  FormRuntime.prototype.env = function (state, rule, ctx) {
    var env = {};
    var refs = this.refsOf(rule);
    for (var i = 0; i < refs.length; i++) env[refs[i]] = this.lookup(state, refs[i], ctx);
    return env;
  };

  FormRuntime.prototype.evaluate = function (state, rule, ctx, current) {
    return root.SurveyExpr.evaluate(rule.ast, this.env(state, rule, ctx), current === undefined ? null : current);
  };

  FormRuntime.prototype.holds = function (state, rule, ctx) {
    return !rule || root.SurveyExpr.truthy(this.evaluate(state, rule, ctx));
  };

  function store(holder, name, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) {
      delete holder[name];
    } else {
      holder[name] = value;
    }
  }

  function rowCount(value) {
    if (typeof value === "boolean" || value === null || value === undefined) return null;
    if (typeof value === "string") {
      if (!/^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(value)) return null;
      value = parseFloat(value);
    }
    if (typeof value !== "number" || value !== value) return null;
    return Math.trunc(Math.max(0, Math.min(500, value)));
  }

  /** One full pass: read, evaluate in order, check. Adjusts repeat rows to their counts on the way. */
  FormRuntime.prototype.run = function (submit) {
    var self = this;
    var state = { values: {}, rows: {}, errors: {}, missing: new Set(), relevant: new Set() };
    Object.keys(this.questions).forEach(function (name) {
      var q = self.questions[name];
      if (q.repeat) return;
      if (q.type === "repeat") state.rows[name] = self.readRows(name, state);
      else if (isAnswerable(q)) self.readInto(q, name, name, state.values, state);
    });
    this.defn.evaluation_order.forEach(function (name) {
      if (hasOwn.call(self.sectionsByName, name)) {
        if (self.holds(state, self.sectionsByName[name].relevant, null)) state.relevant.add(name);
        return;
      }
      var q = self.questions[name];
      if (q.repeat) self.evaluateColumn(state, q);
      else if (q.type === "repeat") self.evaluateRepeat(state, q);
      else self.evaluateSingle(state, q);
    });
    this.check(state, submit);
    return state;
  };

  FormRuntime.prototype.evaluateSingle = function (state, q) {
    if (state.relevant.has(q.section) && this.holds(state, q.relevant, null)) {
      state.relevant.add(q.name);
      if (q.type === "calculate") store(state.values, q.name, this.evaluate(state, q.calculation, null));
    } else {
      delete state.values[q.name];
    }
  };

  FormRuntime.prototype.evaluateRepeat = function (state, q) {
    if (!(state.relevant.has(q.section) && this.holds(state, q.relevant, null))) {
      delete state.rows[q.name];
      return;
    }
    state.relevant.add(q.name);
    if (q.repeat_count) {
      var count = rowCount(this.evaluate(state, q.repeat_count, null));
      if (count !== null && count !== (state.rows[q.name] || []).length) {
        this.setRowCount(q.name, count);
        forEach(Object.keys(state.errors), function (path) {
          if (topName(path) === q.name) delete state.errors[path];
        });
        state.rows[q.name] = this.readRows(q.name, state);
      }
    }
  };

  FormRuntime.prototype.evaluateColumn = function (state, child) {
    var self = this;
    var repeat = child.repeat;
    (state.rows[repeat] || []).forEach(function (row, index) {
      var ctx = { repeat: repeat, row: row };
      if (state.relevant.has(repeat) && self.holds(state, child.relevant, ctx)) {
        state.relevant.add(rowPath(repeat, index, child.name));
        if (child.type === "calculate") store(row, child.name, self.evaluate(state, child.calculation, ctx));
      } else {
        delete row[child.name];
      }
    });
  };

  FormRuntime.prototype.check = function (state, submit) {
    var self = this;
    Object.keys(this.questions).forEach(function (name) {
      var q = self.questions[name];
      if (!isAnswerable(q)) return;
      if (!q.repeat) {
        self.checkOne(state, q, state.values, name, null, submit);
        return;
      }
      (state.rows[q.repeat] || []).forEach(function (row, index) {
        self.checkOne(state, q, row, rowPath(q.repeat, index, name), { repeat: q.repeat, row: row }, submit);
      });
    });
    // Only errors of questions that apply count (a type error in a skipped question does not).
    Object.keys(state.errors).forEach(function (path) {
      var applies = state.relevant.has(path) || (path.indexOf(".") < 0 && state.relevant.has(topName(path)));
      if (!applies) delete state.errors[path];
    });
  };

  FormRuntime.prototype.checkOne = function (state, q, holder, path, ctx, submit) {
    if (!state.relevant.has(path) || hasOwn.call(state.errors, path)) return;
    var value = hasOwn.call(holder, q.name) ? holder[q.name] : null;
    if (value === null) {
      var required = q.required === true || (q.required && typeof q.required === "object" &&
        this.holds(state, q.required, ctx));
      if (submit && required) {
        state.errors[path] = q.required_message;
        state.missing.add(path);
      }
      return;
    }
    if (q.constraint && !root.SurveyExpr.truthy(this.evaluate(state, q.constraint, ctx, value))) {
      state.errors[path] = q.constraint_message;
    }
  };

  // -- repeat rows in the page --

  FormRuntime.prototype.renameRow = function (el, repeat, oldIndex, newIndex) {
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

  FormRuntime.prototype.newRow = function (repeat, index) {
    var template = this.form.querySelector('template[data-row-template="' + escapeName(repeat) + '"]');
    var el = template.content.firstElementChild.cloneNode(true);
    this.renameRow(el, repeat, "__index__", index);
    var self = this;
    (this.questions[repeat].questions || []).forEach(function (child) {
      if (child.default !== null && child.default !== undefined && isAnswerable(child)) {
        self.setInputValue(el, repeat + "-" + index + "-" + child.name, child.default);
      }
    });
    return el;
  };

  FormRuntime.prototype.setInputValue = function (scope, name, value) {
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
  FormRuntime.prototype.setRowCount = function (repeat, count) {
    var container = this.rowsContainer(repeat);
    if (!container) return;
    var all = Array.prototype.filter.call(container.children, function (el) {
      return el.classList.contains("repeat-row");
    });
    for (var i = 0; i < all.length; i++) setRowActive(all[i], i < count);
    for (var index = all.length; index < count; index++) container.appendChild(this.newRow(repeat, index));
    this.structureChanged = true;
  };

  FormRuntime.prototype.addRow = function (repeat) {
    var container = this.rowsContainer(repeat);
    var active = this.activeRowEls(repeat);
    forEach(container.querySelectorAll(".row-surplus"), function (el) { el.remove(); });
    var el = this.newRow(repeat, active.length);
    container.appendChild(el);
    this.update();
    var first = el.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  };

  FormRuntime.prototype.removeRow = function (rowEl) {
    var repeat = rowEl.parentElement.getAttribute("data-rows-for");
    var filled = Array.prototype.some.call(rowEl.querySelectorAll("input, select, textarea"), function (input) {
      if (input.type === "hidden") return false;
      return input.type === "radio" || input.type === "checkbox" ? input.checked : input.value.trim() !== "";
    });
    if (filled && !root.confirm("Xóa dòng này và các câu trả lời của nó?")) return;
    rowEl.remove();
    var self = this;
    this.activeRowEls(repeat).forEach(function (el, index) {
      self.renameRow(el, repeat, el.getAttribute("data-row"), index);
    });
    this.update();
  };

  // -- showing the state --

  FormRuntime.prototype.update = function () {
    this.structureChanged = false;
    this.state = this.run(this.submitAttempted);
    this.render(this.state);
    if (this.clientErrorReason) this.showClientErrors(this.clientErrorReason); // keep the count up to date
    this.scheduleBackup();
    return this.state;
  };

  FormRuntime.prototype.render = function (state) {
    var self = this;
    this.sectionEls.forEach(function (el) {
      el.classList.toggle("section-skipped", !state.relevant.has(el.getAttribute("data-section")));
    });
    forEach(this.form.querySelectorAll(".q[data-q]"), function (el) {
      var path = self.pathOf(el);
      el.hidden = !state.relevant.has(path);
      var calc = el.querySelector(":scope > [data-calc]");
      if (calc) {
        calc.textContent = shownValue(self.lookup(state, el.getAttribute("data-q"), self.rowContext(state, el))) || "—";
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
      span.textContent = shownValue(self.lookup(state, span.getAttribute("data-ref"), self.rowContext(state, span)));
    });
    this.showSection(this.current, false);
  };

  /** The error shown at a path: a missing answer only once its section has been seen. */
  FormRuntime.prototype.shownError = function (state, path) {
    if (!state.missing.has(path) || this.isVisited(this.sectionIndexOf(path))) return state.errors[path];
    return undefined;
  };

  FormRuntime.prototype.isVisited = function (index) {
    return index >= 0 && this.visited.has(this.sectionEls[index].getAttribute("data-section"));
  };

  FormRuntime.prototype.markVisited = function (index) {
    if (!this.sectionEls[index] || this.isVisited(index)) return;
    this.visited.add(this.sectionEls[index].getAttribute("data-section"));
    if (this.state) this.render(this.state); // its missing answers show from now on
  };

  /** After a submit attempt, one mark per section: its errors, "chưa xem" when not yet shown, or done. */
  FormRuntime.prototype.renderMarks = function (state) {
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

  FormRuntime.prototype.pathOf = function (el) {
    var name = el.getAttribute("data-q");
    var rowEl = el.closest(".repeat-row");
    if (!rowEl || rowEl === el) return name;
    var repeat = rowEl.parentElement.getAttribute("data-rows-for");
    return rowPath(repeat, rowEl.getAttribute("data-row"), name);
  };

  FormRuntime.prototype.rowContext = function (state, el) {
    var rowEl = el.closest(".repeat-row");
    if (!rowEl || !rowEl.parentElement) return null;
    var repeat = rowEl.parentElement.getAttribute("data-rows-for");
    var row = (state.rows[repeat] || [])[Number(rowEl.getAttribute("data-row"))];
    return row ? { repeat: repeat, row: row } : null;
  };

  FormRuntime.prototype.showError = function (el, message) {
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

  FormRuntime.prototype.relevantSectionIndexes = function () {
    var list = [];
    this.sectionEls.forEach(function (el, i) { if (!el.classList.contains("section-skipped")) list.push(i); });
    return list;
  };

  FormRuntime.prototype.showSection = function (index, scroll) {
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

  FormRuntime.prototype.move = function (step) {
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

  FormRuntime.prototype.sectionIndexOf = function (path) {
    var q = this.questions[topName(path)];
    var name = q ? q.section : null;
    for (var i = 0; i < this.sectionEls.length; i++) {
      if (this.sectionEls[i].getAttribute("data-section") === name) return i;
    }
    return -1;
  };

  FormRuntime.prototype.errorsIn = function (sectionIndex, errors) {
    var self = this;
    return Object.keys(errors).filter(function (path) { return self.sectionIndexOf(path) === sectionIndex; });
  };

  FormRuntime.prototype.focusPath = function (path) {
    var index = this.sectionIndexOf(path);
    if (index >= 0) this.showSection(index, false);
    var el = document.getElementById(domId(path));
    if (!el) return;
    el.scrollIntoView({ block: "center" });
    var input = el.querySelector("input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])");
    if (input) input.focus({ preventScroll: true });
  };

  /** The message above the save buttons after a refused move or save ("next", "draft", "submit" or null). */
  FormRuntime.prototype.showClientErrors = function (reason) {
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

  FormRuntime.prototype.gotoSection = function (name) {
    var index = this.sectionEls.findIndex(function (el) { return el.getAttribute("data-section") === name; });
    if (index >= 0) this.showSection(index, true);
  };

  /** "Bỏ chọn": an optional single choice back to unanswered. */
  FormRuntime.prototype.clearChoice = function (el) {
    forEach(el.querySelectorAll("input[type=radio]"), function (input) { input.checked = false; });
    el.setAttribute("data-touched", "1");
    this.backupEnabled = true;
    this.update();
    var first = el.querySelector("input[type=radio]:not([disabled])");
    if (first) first.focus();
  };

  // -- saving --

  FormRuntime.prototype.onSubmit = function (event) {
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
    this.writeBackup();
  };

  FormRuntime.prototype.firstInOrder = function (paths) {
    var self = this;
    var ordered = paths.slice().sort(function (a, b) {
      var ea = document.getElementById(domId(a)), eb = document.getElementById(domId(b));
      if (ea && eb && ea !== eb) return ea.compareDocumentPosition(eb) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
      return self.sectionIndexOf(a) - self.sectionIndexOf(b);
    });
    return ordered[0];
  };

  // -- local backup --

  FormRuntime.prototype.uuidInput = function () { return this.form.querySelector('[data-meta="uuid"]'); };

  FormRuntime.prototype.backupKey = function () { return BACKUP_PREFIX + this.uuidInput().value; };

  FormRuntime.prototype.pendingKey = function () {
    return PENDING_PREFIX + this.form.getAttribute("data-round") + "/" + this.form.getAttribute("data-household");
  };

  FormRuntime.prototype.snapshot = function () {
    var fields = {};
    forEach(this.form.querySelectorAll("input[name], select[name], textarea[name]"), function (input) {
      if (input.name === "csrf_token" || input.getAttribute("data-meta") === "uuid" || input.type === "submit") return;
      if (input.closest(".row-surplus") || input.closest("template")) return;
      if (!hasOwn.call(fields, input.name)) fields[input.name] = [];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) fields[input.name].push(input.value);
      } else if (input.tagName === "SELECT" && input.multiple) {
        forEach(input.selectedOptions, function (option) { fields[input.name].push(option.value); });
      } else {
        fields[input.name].push(input.value);
      }
    });
    var rows = {};
    var self = this;
    Object.keys(this.questions).forEach(function (name) {
      if (self.questions[name].type === "repeat") rows[name] = self.activeRowEls(name).length;
    });
    return { fields: fields, rows: rows };
  };

  FormRuntime.prototype.scheduleBackup = function () {
    if (this.readOnly || !this.backupEnabled) return;
    var self = this;
    clearTimeout(this.backupTimer);
    this.backupTimer = setTimeout(function () { self.writeBackup(); }, 300);
  };

  FormRuntime.prototype.writeBackup = function () {
    if (this.readOnly || !this.backupEnabled) return;
    var data = this.snapshot();
    data.base = this.form.getAttribute("data-base-version");
    data.savedAt = Date.now();
    data.section = this.sectionEls[this.current] ? this.sectionEls[this.current].getAttribute("data-section") : "";
    try {
      root.localStorage.setItem(this.backupKey(), JSON.stringify(data));
      if (this.form.getAttribute("data-has-submission") !== "1") {
        root.localStorage.setItem(this.pendingKey(), this.uuidInput().value);
      }
    } catch (e) { /* storage full or disabled: the form still works, only without the backup */ }
  };

  FormRuntime.prototype.restoreBackup = function () {
    var storage;
    try { storage = root.localStorage; } catch (e) { return false; }
    if (!storage || this.readOnly) return false;
    if (this.form.getAttribute("data-has-submission") !== "1") {
      // Not saved yet on the server: reuse the UUID this device made the first time the form was opened.
      var pending = storage.getItem(this.pendingKey());
      if (pending && storage.getItem(BACKUP_PREFIX + pending)) {
        this.uuidInput().value = pending;
        this.form.setAttribute("data-uuid", pending);
      }
    }
    var text = storage.getItem(this.backupKey());
    if (!text) return false;
    var data;
    try { data = JSON.parse(text); } catch (e) { storage.removeItem(this.backupKey()); return false; }
    if (!data || data.base !== this.form.getAttribute("data-base-version")) {
      storage.removeItem(this.backupKey()); // the server has a newer save than this backup
      return false;
    }
    var before = JSON.stringify(this.snapshot());
    var self = this;
    Object.keys(data.rows || {}).forEach(function (repeat) {
      if (self.questions[repeat]) self.setRowCount(repeat, data.rows[repeat]);
    });
    Object.keys(data.fields || {}).forEach(function (name) {
      var values = data.fields[name];
      forEach(self.inputs(name), function (input) {
        if (input.closest("template")) return;
        if (input.type === "radio" || input.type === "checkbox") input.checked = values.indexOf(input.value) >= 0;
        else if (input.tagName === "SELECT" && input.multiple) {
          forEach(input.options, function (option) { option.selected = values.indexOf(option.value) >= 0; });
        } else input.value = values[0] === undefined ? "" : values[0];
      });
    });
    if (JSON.stringify(this.snapshot()) === before) return true;
    var index = this.sectionEls.findIndex(function (el) { return el.getAttribute("data-section") === data.section; });
    if (index >= 0 && this.form.getAttribute("data-start-error") !== "1") this.current = index;
    var notice = document.querySelector("[data-restore-notice]");
    if (notice) {
      var when = new Date(data.savedAt);
      notice.querySelector("[data-restore-text]").textContent =
        "Đã khôi phục các câu trả lời chưa lưu trên máy này (nhập lúc " + pad(when.getHours()) + ":" +
        pad(when.getMinutes()) + " ngày " + pad(when.getDate()) + "/" + pad(when.getMonth() + 1) + "). " +
        "Hãy bấm “Lưu nháp” hoặc “Gửi phiếu” để lưu lên máy chủ.";
      notice.hidden = false;
    }
    return true;
  };

  FormRuntime.prototype.discardBackup = function () {
    try {
      root.localStorage.removeItem(this.backupKey());
      root.localStorage.removeItem(this.pendingKey());
    } catch (e) { /* nothing to remove */ }
    this.backupEnabled = false;
    root.location.reload();
  };

  // -- wiring --

  FormRuntime.prototype.start = function () {
    var self = this;
    var form = this.form;
    document.documentElement.classList.add("js");
    form.classList.add("is-paged");
    forEach(form.querySelectorAll(".q, .repeat-row"), function (el) {
      var line = el.querySelector(":scope > [data-error]");
      if (line && line.textContent.trim()) el.setAttribute("data-server-error", line.textContent.trim());
    });
    // Where the page opens: the first section with a server error, else where the draft stopped, else where
    // this device's unsaved backup was.
    var start = form.getAttribute("data-start-section");
    if (start) {
      var index = this.sectionEls.findIndex(function (el) { return el.getAttribute("data-section") === start; });
      if (index >= 0) this.current = index;
    }
    this.backupEnabled = this.restoreBackup();
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
      self.backupEnabled = true;
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
    var discard = document.querySelector("[data-discard-backup]");
    if (discard) discard.addEventListener("click", function () { self.discardBackup(); });
    root.addEventListener("pagehide", function () { if (!self.submitting) self.writeBackup(); });
  };

  /** After a successful save the home page names the submission: its local backup is no longer needed. */
  function clearSavedBackup() {
    var marker = document.getElementById("saved-submission");
    if (!marker) return;
    var uuid = marker.getAttribute("data-uuid");
    try {
      var storage = root.localStorage;
      storage.removeItem(BACKUP_PREFIX + uuid);
      for (var i = storage.length - 1; i >= 0; i--) {
        var key = storage.key(i);
        if (key && key.indexOf(PENDING_PREFIX) === 0 && storage.getItem(key) === uuid) storage.removeItem(key);
      }
    } catch (e) { /* storage unavailable: nothing was backed up */ }
  }

  function init() {
    clearSavedBackup();
    var form = document.getElementById("questionnaire");
    var source = document.getElementById("form-definition");
    if (!form || !source || !root.SurveyExpr) return null;
    var runtime = new FormRuntime(form, JSON.parse(source.textContent));
    runtime.start();
    root.surveyForm = runtime;
    return runtime;
  }

  root.SurveyFormRuntime = { FormRuntime: FormRuntime, coerce: coerce, shownValue: shownValue, domId: domId };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})(window);
