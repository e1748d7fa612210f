/*
 * The questionnaire engine: compiled definition + answers JSON + today -> values, relevance, repeat rows, errors
 * and the answers to send. No DOM: runs in the browser (window.SurveyEngine) and under Node (module.exports).
 *
 * It is the browser's copy of survey_app/core/questionnaire/answers.py and values.py and follows the same steps
 * in the same order (the server is the reference; tests/vectors/answer_sets.json is run against both):
 * 1. raw values are coerced to their types; unknown keys, notes and posted calculations are dropped; a value that
 *    does not fit is an error and is not kept;
 * 2. sections and questions are visited in the compiled evaluation_order: relevance, calculations, repeat rows
 *    fixed by repeat_count (cut off, or added empty);
 * 3. constraints of relevant answers, and with submit=true the required answers; errors only for what applies.
 * "today" is the server's date in Vietnam time (YYYY-MM-DD), passed in, never the device's clock.
 * Needs expr.js (window.SurveyExpr, or require("./expr.js") under Node). Plain ES2017.
 */
(function (root, factory) {
  var expr = typeof module !== "undefined" && module.exports ? require("./expr.js") : root.SurveyExpr;
  var api = factory(expr);
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (root) root.SurveyEngine = api;
})(typeof window !== "undefined" ? window : typeof globalThis !== "undefined" ? globalThis : this, function (Expr) {
  "use strict";

  var hasOwn = Object.prototype.hasOwnProperty;
  var ANSWER_TYPES = ["integer", "decimal", "text", "select_one", "select_multiple", "date"];
  var MAX_REPEAT_ROWS = 500;
  var MAX_DIGITS = 18;
  var MAX_TEXT_LENGTH = 4000;
  var TOO_BIG = "Số quá lớn (tối đa " + MAX_DIGITS + " chữ số)";
  var DATE_MESSAGE = "Ngày không hợp lệ: ghi ngày/tháng/năm (31/12/2025) hoặc YYYY-MM-DD";

  // ---- 1. coercion (values.py) ----------------------------------------------------------------------------

  var INTEGER = /^[+-]?\d+$/;
  var GROUPED_INTEGER = /^[+-]?\d{1,3}(\.\d{3})+$/;
  var DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
  var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
  var VN_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

  function TypeProblem(message) { this.message = message; }

  function isBlank(raw) {
    return raw === null || raw === undefined || (typeof raw === "string" && raw.trim() === "") ||
      (Array.isArray(raw) && raw.length === 0);
  }

  function isAnswerable(question) { return ANSWER_TYPES.indexOf(question.type) >= 0; }

  function digitCount(text) { return (text.match(/\d/g) || []).length; }

  function refuseHuge(text) {
    if (digitCount(text) > MAX_DIGITS + 2) throw new TypeProblem(TOO_BIG);
  }

  function compact(text) { return text.trim().replace(/ /g, ""); }

  function coerceInteger(raw) {
    var message = "Phải là số nguyên";
    if (typeof raw === "boolean") throw new TypeProblem(message);
    if (typeof raw === "number") {
      if (isFinite(raw) && Number.isInteger(raw) && Math.abs(raw) < 1e18) return raw;
      throw new TypeProblem(message);
    }
    if (typeof raw === "string") {
      refuseHuge(raw);
      var text = compact(raw);
      if (INTEGER.test(text)) return parseInt(text, 10);
      if (GROUPED_INTEGER.test(text)) return parseInt(text.replace(/\./g, ""), 10);
    }
    throw new TypeProblem(message);
  }

  function coerceDecimal(raw) {
    var message = "Phải là số";
    if (typeof raw === "boolean") throw new TypeProblem(message);
    if (typeof raw === "number") {
      if (!isFinite(raw)) throw new TypeProblem(message);
      return raw;
    }
    if (typeof raw === "string") {
      refuseHuge(raw);
      var text = compact(raw);
      var dots = (text.match(/\./g) || []).length;
      var commas = (text.match(/,/g) || []).length;
      if (commas && dots) {
        text = text.replace(/\./g, "").replace(/,/g, ".");
      } else if (commas) {
        if (commas > 1) throw new TypeProblem(message);
        text = text.replace(",", ".");
      } else if (dots > 1) {
        if (!GROUPED_INTEGER.test(text)) throw new TypeProblem(message);
        text = text.replace(/\./g, "");
      }
      if (DECIMAL.test(text) && isFinite(parseFloat(text))) return parseFloat(text);
    }
    throw new TypeProblem(message);
  }

  function coerceText(raw) {
    if (typeof raw === "number") {
      if (!isFinite(raw)) throw new TypeProblem("Phải là văn bản");
      return String(raw);
    }
    if (typeof raw !== "string") throw new TypeProblem("Phải là văn bản");
    if (raw.length > MAX_TEXT_LENGTH) throw new TypeProblem("Văn bản quá dài (tối đa 4.000 ký tự)");
    return raw.trim();
  }

  function choiceName(raw) {
    if (typeof raw === "number" && isFinite(raw)) return String(raw);
    if (typeof raw !== "string") throw new TypeProblem("Lựa chọn không hợp lệ");
    return raw.trim();
  }

  function choiceNames(question) { return (question.choices || []).map(function (c) { return c.name; }); }

  function coerceSelectOne(raw, names) {
    var name = choiceName(raw);
    if (names.indexOf(name) < 0) throw new TypeProblem("Lựa chọn '" + name + "' không có trong danh sách");
    return name;
  }

  function coerceSelectMultiple(raw, names) {
    var items = typeof raw === "string" ? raw.trim().split(/\s+/) : raw;
    if (!Array.isArray(items)) throw new TypeProblem("Phải là danh sách lựa chọn");
    var chosen = [];
    items.forEach(function (item) {
      if (isBlank(item)) return;
      var name = choiceName(item);
      if (chosen.indexOf(name) < 0) chosen.push(name);
    });
    var unknown = chosen.filter(function (name) { return names.indexOf(name) < 0; }).sort();
    if (unknown.length) {
      throw new TypeProblem("Lựa chọn " + unknown.map(function (n) { return "'" + n + "'"; }).join(", ") +
        " không có trong danh sách");
    }
    var kept = names.filter(function (name) { return chosen.indexOf(name) >= 0; });
    return kept.length ? kept : null;
  }

  function pad(text) { text = String(text); return text.length < 2 ? "0" + text : text; }

  function coerceDate(raw) {
    if (typeof raw !== "string") throw new TypeProblem(DATE_MESSAGE);
    var text = raw.trim();
    var vn = VN_DATE.exec(text);
    if (vn) text = vn[3] + "-" + pad(+vn[2]) + "-" + pad(+vn[1]);
    var iso = ISO_DATE.exec(text);
    if (iso) {
      var year = +iso[1], month = +iso[2], day = +iso[3];
      var check = new Date(Date.UTC(2000, month - 1, day));
      check.setUTCFullYear(year);
      if (year >= 1 && check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 &&
          check.getUTCDate() === day) return text;
    }
    if (vn) throw new TypeProblem("Không có ngày " + pad(+vn[1]) + "/" + pad(+vn[2]) + "/" + vn[3] + " trong lịch");
    throw new TypeProblem(DATE_MESSAGE);
  }

  /** The stored form of one raw answer (as typed, or as JSON sends it), null when unanswered; throws TypeProblem. */
  function coerce(question, raw) {
    if (isBlank(raw)) return null;
    // A whole number of more than 18 digits (JSON cannot tell 1e19 from 10000000000000000000 here).
    if (typeof raw === "number" && Number.isInteger(raw) && Math.abs(raw) >= 1e18 &&
        ["integer", "decimal", "text"].indexOf(question.type) >= 0) throw new TypeProblem(TOO_BIG);
    switch (question.type) {
      case "integer": return coerceInteger(raw);
      case "decimal": return coerceDecimal(raw);
      case "text": return coerceText(raw);
      case "select_one": return coerceSelectOne(raw, choiceNames(question));
      case "select_multiple": return coerceSelectMultiple(raw, choiceNames(question));
      case "date": return coerceDate(raw);
      default: throw new TypeProblem("Câu này không nhận câu trả lời");
    }
  }

  // ---- the definition, indexed once -----------------------------------------------------------------------

  function rowPath(repeat, index, name) {
    return name === undefined ? repeat + "[" + index + "]" : repeat + "[" + index + "]." + name;
  }

  function collectRefs(ast, found) {
    if (!Array.isArray(ast)) return found;
    if (ast[0] === "ref" && typeof ast[1] === "string") {
      if (found.indexOf(ast[1]) < 0) found.push(ast[1]);
      return found;
    }
    for (var i = 1; i < ast.length; i++) collectRefs(ast[i], found);
    return found;
  }

  /** Questions by name (repeat children included, in document order) and sections by name. */
  function Form(definition) {
    var self = this;
    this.definition = definition;
    this.questions = {};
    this.sectionsByName = {};
    this.refs = new Map();
    definition.sections.forEach(function (section) {
      self.sectionsByName[section.name] = section;
      section.questions.forEach(function (q) {
        self.questions[q.name] = q;
        (q.questions || []).forEach(function (child) { self.questions[child.name] = child; });
      });
    });
  }

  Form.prototype.refsOf = function (rule) {
    var refs = this.refs.get(rule);
    if (!refs) this.refs.set(rule, refs = collectRefs(rule.ast, []));
    return refs;
  };

  var forms = new WeakMap();
  function formOf(definition) {
    if (definition instanceof Form) return definition;
    var form = forms.get(definition);
    if (!form) forms.set(definition, form = new Form(definition));
    return form;
  }

  // ---- 2. and 3. one run (answers.py _Run) ----------------------------------------------------------------

  function Run(form, today) {
    this.form = form;
    this.today = today;
    this.values = {};
    this.rows = {};
    this.errors = {};
    this.missing = new Set();
    this.relevant = new Set();
  }

  Run.prototype.load = function (answers) {
    var self = this;
    Object.keys(answers).forEach(function (name) {
      var q = self.form.questions[name];
      if (!q || q.repeat) return;
      if (q.type === "repeat") self.loadRows(q, answers[name]);
      else if (isAnswerable(q)) self.coerceInto(q, answers[name], name, self.values);
    });
  };

  Run.prototype.loadRows = function (repeat, raw) {
    var self = this;
    if (isBlank(raw)) return;
    if (!Array.isArray(raw)) { this.errors[repeat.name] = "Phải là danh sách các dòng"; return; }
    if (raw.length > MAX_REPEAT_ROWS) {
      this.errors[repeat.name] = "Quá nhiều dòng: " + String(raw.length).replace(/\B(?=(\d{3})+(?!\d))/g, ".") +
        " (tối đa " + MAX_REPEAT_ROWS + " dòng)";
      return;
    }
    this.rows[repeat.name] = raw.map(function (rawRow, index) {
      var row = {};
      var isObject = rawRow !== null && typeof rawRow === "object" && !Array.isArray(rawRow);
      if (rawRow !== null && rawRow !== undefined && !isObject) self.errors[rowPath(repeat.name, index)] = "Mỗi dòng phải là một đối tượng";
      (repeat.questions || []).forEach(function (child) {
        if (isObject && isAnswerable(child) && hasOwn.call(rawRow, child.name)) {
          self.coerceInto(child, rawRow[child.name], rowPath(repeat.name, index, child.name), row);
        }
      });
      return row;
    });
  };

  Run.prototype.coerceInto = function (q, raw, path, holder) {
    try {
      var value = coerce(q, raw);
      if (value !== null) holder[q.name] = value;
    } catch (problem) {
      if (!(problem instanceof TypeProblem)) throw problem;
      this.errors[path] = problem.message;
    }
  };

  Run.prototype.lookup = function (name, ctx) {
    var q = this.form.questions[name];
    if (!q) return null;
    if (q.type === "repeat") {
      var numbers = [];
      for (var i = 1; i <= (this.rows[name] || []).length; i++) numbers.push(i);
      return numbers;
    }
    if (q.repeat) {
      if (ctx && ctx.repeat === q.repeat) return hasOwn.call(ctx.row, name) ? ctx.row[name] : null;
      return (this.rows[q.repeat] || []).map(function (row) { return hasOwn.call(row, name) ? row[name] : null; });
    }
    return hasOwn.call(this.values, name) ? this.values[name] : null;
  };

  Run.prototype.evaluate = function (rule, ctx, current) {
    var env = {};
    var refs = this.form.refsOf(rule);
    for (var i = 0; i < refs.length; i++) env[refs[i]] = this.lookup(refs[i], ctx);
    return Expr.evaluate(rule.ast, env, current === undefined ? null : current, this.today);
  };

  Run.prototype.holds = function (rule, ctx) { return !rule || Expr.truthy(this.evaluate(rule, ctx)); };

  function store(holder, name, value) {
    if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) {
      delete holder[name];
    } else {
      holder[name] = value;
    }
  }

  /** A repeat_count value as a number of rows (answers.py _row_count): null leaves the rows alone. */
  function rowCount(value) {
    if (typeof value === "boolean" || value === null || value === undefined) return null;
    if (typeof value === "string") {
      var text = value.trim();
      if (/^[+-]?inf(inity)?$/i.test(text)) value = text[0] === "-" ? -Infinity : Infinity;
      else if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) value = parseFloat(text);
      else return null;
    }
    if (typeof value !== "number" || value !== value) return null;
    return Math.trunc(Math.max(0, Math.min(MAX_REPEAT_ROWS, value)));
  }

  Run.prototype.evaluateAll = function () {
    var self = this;
    this.form.definition.evaluation_order.forEach(function (name) {
      if (hasOwn.call(self.form.sectionsByName, name)) {
        if (self.holds(self.form.sectionsByName[name].relevant, null)) self.relevant.add(name);
        return;
      }
      var q = self.form.questions[name];
      if (q.repeat) self.evaluateColumn(q);
      else if (q.type === "repeat") self.evaluateRepeat(q);
      else self.evaluateSingle(q);
    });
  };

  Run.prototype.evaluateSingle = function (q) {
    if (this.relevant.has(q.section) && this.holds(q.relevant, null)) {
      this.relevant.add(q.name);
      if (q.type === "calculate") store(this.values, q.name, this.evaluate(q.calculation, null));
    } else {
      delete this.values[q.name];
    }
  };

  Run.prototype.evaluateRepeat = function (q) {
    if (!(this.relevant.has(q.section) && this.holds(q.relevant, null))) {
      delete this.rows[q.name];
      return;
    }
    this.relevant.add(q.name);
    if (!q.repeat_count) return;
    var count = rowCount(this.evaluate(q.repeat_count, null));
    if (count === null) return;
    var rows = (this.rows[q.name] || []).slice(0, count);
    while (rows.length < count) rows.push({});
    this.rows[q.name] = rows;
  };

  Run.prototype.evaluateColumn = function (child) {
    var self = this;
    var repeat = child.repeat;
    (this.rows[repeat] || []).forEach(function (row, index) {
      var ctx = { repeat: repeat, row: row };
      if (self.relevant.has(repeat) && self.holds(child.relevant, ctx)) {
        self.relevant.add(rowPath(repeat, index, child.name));
        if (child.type === "calculate") store(row, child.name, self.evaluate(child.calculation, ctx));
      } else {
        delete row[child.name];
      }
    });
  };

  Run.prototype.check = function (submit) {
    var self = this;
    Object.keys(this.form.questions).forEach(function (name) {
      var q = self.form.questions[name];
      if (!isAnswerable(q)) return;
      if (!q.repeat) { self.checkOne(q, self.values, name, null, submit); return; }
      (self.rows[q.repeat] || []).forEach(function (row, index) {
        self.checkOne(q, row, rowPath(q.repeat, index, name), { repeat: q.repeat, row: row }, submit);
      });
    });
  };

  Run.prototype.checkOne = function (q, holder, path, ctx, submit) {
    if (!this.relevant.has(path) || hasOwn.call(this.errors, path)) return;
    var value = hasOwn.call(holder, q.name) ? holder[q.name] : null;
    if (value === null) {
      var required = q.required === true || (Boolean(q.required) && typeof q.required === "object" &&
        this.holds(q.required, ctx));
      if (submit && required) {
        this.errors[path] = q.required_message;
        this.missing.add(path);
      }
      return;
    }
    if (q.constraint && !Expr.truthy(this.evaluate(q.constraint, ctx, value))) this.errors[path] = q.constraint_message;
  };

  /** Every answer path in document order (answers.py paths_in_order): questions, rows, row questions. */
  Run.prototype.pathsInOrder = function () {
    var self = this, paths = [];
    Object.keys(this.form.questions).forEach(function (name) {
      var q = self.form.questions[name];
      if (q.repeat) return;
      paths.push(name);
      (self.rows[name] || []).forEach(function (row, index) {
        paths.push(rowPath(name, index));
        (q.questions || []).forEach(function (child) { paths.push(rowPath(name, index, child.name)); });
      });
    });
    return paths;
  };

  /** Errors in document order, only of what applies (a type error in a skipped question does not count). */
  Run.prototype.visibleErrors = function () {
    var self = this, kept = {};
    this.pathsInOrder().forEach(function (path) {
      var row = /^([A-Za-z_][A-Za-z0-9_]*)\[\d+\]$/.exec(path);
      var applies = self.relevant.has(path) || Boolean(row && self.relevant.has(row[1]));
      if (hasOwn.call(self.errors, path) && applies) kept[path] = self.errors[path];
    });
    return kept;
  };

  /** The answers to send (answers.py output): coerced, calculated, irrelevant answers dropped, document order. */
  Run.prototype.output = function () {
    var self = this, result = {};
    Object.keys(this.form.questions).forEach(function (name) {
      var q = self.form.questions[name];
      if (q.repeat) return;
      if (q.type === "repeat") {
        var rows = self.rows[name];
        if (rows && rows.length && self.relevant.has(name)) {
          result[name] = rows.map(function (row) {
            var ordered = {};
            (q.questions || []).forEach(function (child) { if (hasOwn.call(row, child.name)) ordered[child.name] = row[child.name]; });
            return ordered;
          });
        }
      } else if (hasOwn.call(self.values, name)) {
        result[name] = self.values[name];
      }
    });
    return result;
  };

  /**
   * Run the questionnaire over an answers object.
   * options: {today: "YYYY-MM-DD" (required: the server's date in Vietnam time), submit: boolean}.
   * Returns {answers: the answers to send, errors: {path: message} in document order, missing: Set of paths
   * whose error is a required answer, relevant: Set of section names and answer paths, values, rows, lookup}.
   */
  function run(definition, answers, options) {
    options = options || {};
    if (!/^\d{4}-\d{2}-\d{2}$/.test(String(options.today || ""))) throw new Error("engine.run: today must be YYYY-MM-DD");
    if (answers === null || typeof answers !== "object" || Array.isArray(answers)) {
      throw new TypeError("answers must be an object of question names to values");
    }
    var state = new Run(formOf(definition), options.today);
    state.load(answers);
    state.evaluateAll();
    state.check(Boolean(options.submit));
    var errors = state.visibleErrors();
    state.missing.forEach(function (path) { if (!hasOwn.call(errors, path)) state.missing.delete(path); });
    return {
      answers: state.output(), errors: errors, missing: state.missing, relevant: state.relevant,
      values: state.values, rows: state.rows, lookup: function (name, ctx) { return state.lookup(name, ctx); }
    };
  }

  return {
    run: run, coerce: coerce, isBlank: isBlank, isAnswerable: isAnswerable, rowPath: rowPath, formOf: formOf,
    TypeProblem: TypeProblem, MAX_REPEAT_ROWS: MAX_REPEAT_ROWS
  };
});
