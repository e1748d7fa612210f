/*
 * Evaluator of the questionnaire expression language (XLSForm / ODK XPath subset).
 *
 * The server parses expressions once (survey_app/core/expressions, Python) and hands the
 * browser the compiled JSON AST; this file only evaluates that AST. Its semantics mirror
 * survey_app/core/expressions/values.py, functions.py and compiler.py exactly — the shared
 * vectors in tests/vectors/expressions.json are run against both. Change them together.
 *
 * Plain ES2017, no dependencies, works offline. Exposes window.SurveyExpr (and
 * module.exports under Node): evaluate(ast, env, current, today), truthy(value),
 * toNumber(value), toString(value).
 */
(function (root) {
  "use strict";

  var MAX_STRING_LENGTH = 10000;
  var MAX_EVALUATION_DEPTH = 100;
  var SAFE_INTEGER = 9007199254740992; // 2 ** 53
  var NUMERIC_TEXT = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
  var BLANK_RUN = /[ \t\n\r]+/;
  var hasOwn = Object.prototype.hasOwnProperty;

  function ExpressionError(message) {
    var error = new Error("Biểu thức đã biên dịch không hợp lệ: " + message);
    error.name = "ExpressionError";
    return error;
  }

  // ---- value model and coercions (values.py) -------------------------------------------

  function makeNumber(x) {
    if (!isFinite(x)) return null;
    return x === 0 ? 0 : x; // also turns -0 into 0
  }

  function isNumber(value) {
    return typeof value === "number";
  }

  function stripBlanks(text) {
    return text.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, "");
  }

  function scalarFromHost(value) {
    if (value === null || value === undefined) return null;
    if (typeof value === "boolean" || typeof value === "string") return value;
    if (typeof value === "number") return value !== value ? value : makeNumber(value);
    if (typeof value === "object") return null;
    return String(value);
  }

  /** Convert an application value: arrays (also nested) become one flat array. */
  function fromHost(value) {
    if (!Array.isArray(value)) return scalarFromHost(value);
    var flat = [];
    var stack = [[value, 0]];
    while (stack.length) {
      var top = stack[stack.length - 1];
      if (top[1] >= top[0].length) {
        stack.pop();
        continue;
      }
      var item = top[0][top[1]++];
      if (Array.isArray(item)) stack.push([item, 0]);
      else flat.push(scalarFromHost(item));
    }
    return flat;
  }

  function isEmpty(value) {
    return value === null || value === "" || (Array.isArray(value) && value.length === 0);
  }

  function isTrue(value) {
    if (value === null) return false;
    if (typeof value === "boolean") return value;
    if (isNumber(value)) return value === value && value !== 0;
    if (typeof value === "string" || Array.isArray(value)) return value.length > 0;
    return true;
  }

  function truthy(value) {
    return isTrue(fromHost(value));
  }

  function toNumber(value) {
    if (value === null || Array.isArray(value)) return null;
    if (typeof value === "boolean") return value ? 1 : 0;
    if (isNumber(value)) return value !== value ? null : makeNumber(value);
    if (typeof value === "string") {
      var text = stripBlanks(value);
      if (NUMERIC_TEXT.test(text)) return makeNumber(Number(text));
    }
    return null;
  }

  function repeatZeros(count) {
    return count > 0 ? new Array(count + 1).join("0") : "";
  }

  /** Plain decimal text, never an exponent; same digits as Python's repr. */
  function formatNumber(x) {
    if (x !== x) return "NaN";
    if (x === Infinity) return "Infinity";
    if (x === -Infinity) return "-Infinity";
    if (x === 0) return "0";
    var parts = String(Math.abs(x)).split("e");
    var mantissa = parts[0];
    var dot = mantissa.indexOf(".");
    var intPart = dot < 0 ? mantissa : mantissa.slice(0, dot);
    var fracPart = dot < 0 ? "" : mantissa.slice(dot + 1);
    var digits = intPart + fracPart;
    var point = intPart.length + (parts.length > 1 ? parseInt(parts[1], 10) : 0);
    var stripped = digits.replace(/^0+/, "");
    point -= digits.length - stripped.length;
    digits = stripped.replace(/0+$/, "");
    var text;
    if (point <= 0) text = "0." + repeatZeros(-point) + digits;
    else if (point >= digits.length) text = digits + repeatZeros(point - digits.length);
    else text = digits.slice(0, point) + "." + digits.slice(point);
    return x < 0 ? "-" + text : text;
  }

  function toString(value) {
    if (value === null) return "";
    if (typeof value === "boolean") return value ? "true" : "false";
    if (isNumber(value)) return formatNumber(value);
    if (Array.isArray(value)) {
      var texts = [];
      for (var i = 0; i < value.length; i++) {
        var text = toString(value[i]);
        if (text) texts.push(text);
      }
      return texts.join(" ");
    }
    return String(value);
  }

  /** Length in code points (Python's len), not UTF-16 units. */
  function codePointLength(text) {
    var count = 0;
    for (var i = 0; i < text.length; i++) {
      var unit = text.charCodeAt(i);
      if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
        var next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) i++;
      }
      count++;
    }
    return count;
  }

  function capString(text) {
    if (text.length <= MAX_STRING_LENGTH || codePointLength(text) <= MAX_STRING_LENGTH) return text;
    return Array.from(text).slice(0, MAX_STRING_LENGTH).join("");
  }

  /** Code-point order, as Python compares str (JS '<' compares UTF-16 units). */
  function compareText(a, b) {
    var left = a[Symbol.iterator]();
    var right = b[Symbol.iterator]();
    for (;;) {
      var x = left.next();
      var y = right.next();
      if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
      var cx = x.value.codePointAt(0);
      var cy = y.value.codePointAt(0);
      if (cx !== cy) return cx < cy ? -1 : 1;
    }
  }

  function asItems(value) {
    if (value === null) return [];
    if (Array.isArray(value)) return value;
    return [value];
  }

  function selectionItems(value) {
    var result = [];
    if (Array.isArray(value)) {
      for (var i = 0; i < value.length; i++) {
        var text = toString(value[i]);
        if (text) result.push(text);
      }
      return result;
    }
    var whole = stripBlanks(toString(value));
    return whole ? whole.split(BLANK_RUN) : [];
  }

  function equals(a, b) {
    if (Array.isArray(a)) a = toString(a);
    if (Array.isArray(b)) b = toString(b);
    if (typeof a === "boolean" || typeof b === "boolean") return isTrue(a) === isTrue(b);
    if (isNumber(a) || isNumber(b)) {
      var x = toNumber(a);
      var y = toNumber(b);
      return x !== null && y !== null && x === y;
    }
    return toString(a) === toString(b);
  }

  function relationalOperand(value) {
    if (Array.isArray(value)) return toString(value);
    if (typeof value === "boolean") return value ? 1 : 0;
    return value;
  }

  function compare(operator, a, b) {
    a = relationalOperand(a);
    b = relationalOperand(b);
    if (isEmpty(a) || isEmpty(b)) return false;
    var x = toNumber(a);
    var y = toNumber(b);
    var order;
    if (x === null || y === null) {
      if (!(typeof a === "string" && typeof b === "string")) return false;
      order = compareText(a, b);
    } else {
      order = x < y ? -1 : x > y ? 1 : 0;
    }
    if (operator === "<") return order < 0;
    if (operator === "<=") return order <= 0;
    if (operator === ">") return order > 0;
    return order >= 0;
  }

  function arithmetic(operator, a, b) {
    var x = toNumber(a);
    var y = toNumber(b);
    if (x === null || y === null) return null;
    if (operator === "+") return makeNumber(x + y);
    if (operator === "-") return makeNumber(x - y);
    if (operator === "*") return makeNumber(x * y);
    if (y === 0) return null;
    if (operator === "div") return makeNumber(x / y);
    return makeNumber(x % y);
  }

  function roundHalfAway(x, digits) {
    digits = Math.max(-15, Math.min(15, digits));
    var factor = Number("1e" + Math.abs(digits));
    var scaled = digits >= 0 ? x * factor : x / factor;
    if (Math.abs(scaled) >= 4503599627370496) return makeNumber(x); // 2 ** 52
    var rounded = Math.floor(Math.abs(scaled) + 0.5);
    if (scaled < 0) rounded = -rounded;
    return makeNumber(digits >= 0 ? rounded / factor : rounded * factor);
  }

  // ---- functions (functions.py) ----------------------------------------------------------

  var FUNCTION_ARITY = {
    "not": [1, 1], "if": [3, 3], "selected": [2, 2], "count-selected": [1, 1],
    "string-length": [1, 1], "coalesce": [2, 2], "today": [0, 0], "sum": [1, 1],
    "count": [1, 1], "max": [1, null], "min": [1, null], "int": [1, 1], "round": [1, 2],
    "number": [1, 1], "concat": [1, null], "true": [0, 0], "false": [0, 0],
    "boolean": [1, 1], "string": [1, 1]
  };

  function numbersOf(args) {
    var numbers = [];
    for (var i = 0; i < args.length; i++) {
      var items = asItems(args[i]);
      for (var j = 0; j < items.length; j++) {
        var number = toNumber(items[j]);
        if (number !== null) numbers.push(number);
      }
    }
    return numbers;
  }

  /** Largest (sign 1) or smallest (sign -1) number, null for none; a loop, not
   *  Math.max.apply, so that long repeat columns cannot exceed the argument limit. */
  function extreme(numbers, sign) {
    if (!numbers.length) return null;
    var best = numbers[0];
    for (var i = 1; i < numbers.length; i++) {
      if (sign > 0 ? numbers[i] > best : numbers[i] < best) best = numbers[i];
    }
    return makeNumber(best);
  }

  var IMPLEMENTATIONS = {
    "not": function (args) { return !isTrue(args[0]); },
    "selected": function (args) { return selectionItems(args[0]).indexOf(toString(args[1])) >= 0; },
    "count-selected": function (args) { return selectionItems(args[0]).length; },
    "string-length": function (args) { return codePointLength(toString(args[0])); },
    "coalesce": function (args) { return isEmpty(args[0]) ? args[1] : args[0]; },
    "today": function (args, today) { return today; },
    "sum": function (args) {
      var numbers = numbersOf(args);
      var total = 0;
      for (var i = 0; i < numbers.length; i++) total += numbers[i];
      return makeNumber(total);
    },
    "count": function (args) {
      var items = asItems(args[0]);
      var count = 0;
      for (var i = 0; i < items.length; i++) if (!isEmpty(items[i])) count++;
      return count;
    },
    "max": function (args) { return extreme(numbersOf(args), 1); },
    "min": function (args) { return extreme(numbersOf(args), -1); },
    "int": function (args) {
      var number = toNumber(args[0]);
      return number === null ? null : makeNumber(Math.trunc(number));
    },
    "round": function (args) {
      var number = toNumber(args[0]);
      var digits = args.length > 1 ? toNumber(args[1]) : 0;
      if (number === null || digits === null) return null;
      return roundHalfAway(number, Math.trunc(digits));
    },
    "number": function (args) { return toNumber(args[0]); },
    "concat": function (args) {
      var text = "";
      for (var i = 0; i < args.length; i++) text += toString(args[i]);
      return capString(text);
    },
    "true": function () { return true; },
    "false": function () { return false; },
    "boolean": function (args) { return isTrue(args[0]); },
    "string": function (args) { return toString(args[0]); }
  };

  // ---- evaluator (compiler.py) -----------------------------------------------------------

  function operands(node, count) {
    var list = node.slice(1);
    if ((count !== null && list.length !== count) || (count === null && list.length < 2)) {
      throw ExpressionError("số toán hạng sai cho '" + node[0] + "'");
    }
    return list;
  }

  function evalNode(node, context, depth) {
    if (!Array.isArray(node) || !node.length || typeof node[0] !== "string") {
      throw ExpressionError("nút không hợp lệ");
    }
    if (depth > MAX_EVALUATION_DEPTH) throw ExpressionError("lồng nhau quá sâu");
    if (!hasOwn.call(HANDLERS, node[0])) throw ExpressionError("loại nút không xác định");
    return HANDLERS[node[0]](node, context, depth + 1);
  }

  function literal(node) {
    if (node.length !== 2) throw ExpressionError("hằng không hợp lệ");
    var value = node[1];
    if (node[0] === "num") {
      if (typeof value !== "number") throw ExpressionError("hằng số không hợp lệ");
      return makeNumber(value);
    }
    if (typeof value !== "string") throw ExpressionError("hằng chuỗi không hợp lệ");
    return value;
  }

  function arithmeticNode(node, context, depth) {
    var operator = node[0];
    var list = operands(node, operator === "+" || operator === "*" ? null : 2);
    var result = evalNode(list[0], context, depth);
    for (var i = 1; i < list.length; i++) {
      result = arithmetic(operator, result, evalNode(list[i], context, depth));
    }
    return result;
  }

  function equalityNode(node, context, depth) {
    var list = operands(node, 2);
    var same = equals(evalNode(list[0], context, depth), evalNode(list[1], context, depth));
    return node[0] === "=" ? same : !same;
  }

  function relationalNode(node, context, depth) {
    var list = operands(node, 2);
    return compare(node[0], evalNode(list[0], context, depth), evalNode(list[1], context, depth));
  }

  var HANDLERS = {
    "num": literal,
    "str": literal,
    "ref": function (node, context) {
      var name = operands(node, 1)[0];
      if (typeof name !== "string") throw ExpressionError("tên tham chiếu không hợp lệ");
      return hasOwn.call(context.env, name) ? fromHost(context.env[name]) : null;
    },
    "cur": function (node, context) {
      operands(node, 0);
      return context.current;
    },
    "neg": function (node, context, depth) {
      var number = toNumber(evalNode(operands(node, 1)[0], context, depth));
      return number === null ? null : makeNumber(-number);
    },
    "and": function (node, context, depth) {
      var list = operands(node, null);
      for (var i = 0; i < list.length; i++) if (!isTrue(evalNode(list[i], context, depth))) return false;
      return true;
    },
    "or": function (node, context, depth) {
      var list = operands(node, null);
      for (var i = 0; i < list.length; i++) if (isTrue(evalNode(list[i], context, depth))) return true;
      return false;
    },
    "+": arithmeticNode, "-": arithmeticNode, "*": arithmeticNode,
    "div": arithmeticNode, "mod": arithmeticNode,
    "=": equalityNode, "!=": equalityNode,
    "<": relationalNode, "<=": relationalNode, ">": relationalNode, ">=": relationalNode,
    "call": function (node, context, depth) {
      var name = node[1];
      if (typeof name !== "string" || !hasOwn.call(FUNCTION_ARITY, name)) {
        throw ExpressionError("hàm không xác định");
      }
      var args = node.slice(2);
      var arity = FUNCTION_ARITY[name];
      if (args.length < arity[0] || (arity[1] !== null && args.length > arity[1])) {
        throw ExpressionError("số đối số sai cho hàm '" + name + "'");
      }
      if (name === "if") {
        var chosen = isTrue(evalNode(args[0], context, depth)) ? args[1] : args[2];
        return evalNode(chosen, context, depth);
      }
      var values = [];
      for (var i = 0; i < args.length; i++) values.push(evalNode(args[i], context, depth));
      return IMPLEMENTATIONS[name](values, context.today);
    }
  };

  function localToday() {
    var now = new Date();
    var month = String(now.getMonth() + 1);
    var day = String(now.getDate());
    return now.getFullYear() + "-" + (month.length < 2 ? "0" : "") + month + "-" +
      (day.length < 2 ? "0" : "") + day;
  }

  /**
   * Evaluate a compiled AST (or an object with an `ast` property).
   * env: {questionName: answer}; current: value of "."; today: ISO date for today()
   * (default: the device's local date). Never throws because of answer data.
   */
  function evaluate(ast, env, current, today) {
    if (ast && !Array.isArray(ast) && typeof ast === "object" && hasOwn.call(ast, "ast")) ast = ast.ast;
    var context = {
      env: env && typeof env === "object" ? env : {},
      current: fromHost(current),
      today: today === undefined || today === null ? localToday() : String(today)
    };
    return evalNode(ast, context, 0);
  }

  var api = {
    evaluate: evaluate,
    truthy: truthy,
    toNumber: function (value) { return toNumber(fromHost(value)); },
    toString: function (value) { return toString(fromHost(value)); },
    FUNCTION_ARITY: FUNCTION_ARITY
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (root) root.SurveyExpr = api;
})(typeof window !== "undefined" ? window : typeof globalThis !== "undefined" ? globalThis : this);
