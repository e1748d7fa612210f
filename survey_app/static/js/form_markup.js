/*
 * The questionnaire's markup drawn in the browser from the compiled definition alone (window.SurveyFormMarkup),
 * for the offline app shell, which has no page rendered by the server per household. It draws what
 * fieldwork/templates/fieldwork/_questions.html and questionnaire.html draw (same classes, ids, names and data
 * attributes), so form_view.js runs on either; tests/test_offline_form_markup.py keeps the two equal in behaviour.
 *
 * SurveyFormMarkup.draw(form, definition, {uuid, round, household, today, owner, base, readOnly, firstOpening})
 * empties the <form> element and fills it; repeat rows are left to the view (setAnswers adds the rows of the
 * answers, repeat_count the counted ones). firstOpening puts the questions' defaults in, as the server does when a
 * household has no answers yet.
 */
(function (root) {
  "use strict";

  var LONG_LIST = 10;  // questionnaire_form.LONG_LIST: more choices than this and a select_one is a drop-down
  var REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === false || value === null || value === undefined) return;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function displayLabel(q) { return q.label || q.name; }

  /** Text with `${name}` turned into the spans form_view.js keeps up to date (rendering.interpolate). */
  function interpolated(tag, attrs, text) {
    var node = el(tag, attrs);
    var last = 0;
    String(text || "").replace(REFERENCE, function (match, name, offset) {
      node.appendChild(document.createTextNode(text.slice(last, offset)));
      node.appendChild(el("span", { "class": "ref", "data-ref": name }));
      last = offset + match.length;
      return match;
    });
    node.appendChild(document.createTextNode(String(text || "").slice(last)));
    return node;
  }

  function isRequired(q) { return q.required === true; }

  function requiredMark(q) {
    return isRequired(q) ? el("span", { "class": "req", title: "Bắt buộc", text: "*" }) : null;
  }

  function hint(q) { return q.hint ? interpolated("p", { "class": "hint" }, q.hint) : null; }

  function errorLine() { return el("p", { "class": "error", "data-error": true, role: "alert", hidden: true }); }

  function fieldName(q, index) { return q.repeat ? q.repeat + "-" + index + "-" + q.name : q.name; }

  function domId(q, index) { return "q-" + (q.repeat ? q.repeat + "-" + index + "-" + q.name : q.name); }

  function appearance(q) { return (q.appearance || "").split(/\s+/); }

  function usesDropdown(q) { return appearance(q).indexOf("minimal") >= 0 || (q.choices || []).length > LONG_LIST; }

  function shownDefault(q, options) {
    if (!options.firstOpening || q.default === null || q.default === undefined) return "";
    return String(q.default);
  }

  function textInput(q, name, options) {
    var attrs = { autocomplete: "off", "class": "input", id: name, name: name, readonly: !!q.read_only };
    if (q.type === "text" && appearance(q).indexOf("multiline") >= 0) {
      return el("textarea", Object.assign(attrs, { text: shownDefault(q, options) }));
    }
    attrs.type = "text";
    attrs.value = shownDefault(q, options);
    if (q.type === "integer" || q.type === "decimal") attrs["class"] = "input input-number";
    if (q.type === "integer") attrs.inputmode = "numeric";
    if (q.type === "decimal") attrs.inputmode = "decimal";
    if (q.type === "date") Object.assign(attrs, { inputmode: "numeric", maxlength: 10, placeholder: "dd/mm/yyyy", "data-date": "1" });
    return el("input", attrs);
  }

  function dropdown(q, name, options) {
    var chosen = shownDefault(q, options);
    var select = el("select", { "class": "input", id: name, name: name }, [el("option", { value: "", text: "— Chọn —" })]);
    q.choices.forEach(function (choice) {
      select.appendChild(el("option", { value: choice.name, text: choice.label, selected: choice.name === chosen }));
    });
    return select;
  }

  function choiceList(q, name, options) {
    var type = q.type === "select_one" ? "radio" : "checkbox";
    var defaults = shownDefault(q, options).split(/\s+/);
    var list = el("div", { "class": "choice-list" });
    q.choices.forEach(function (choice, i) {
      var checked = !!options.firstOpening && defaults.indexOf(choice.name) >= 0;
      var locked = q.read_only && !checked;
      var input = el("input", { id: name + "-" + i, name: name, type: type, value: choice.name, checked: checked,
                                disabled: locked, "data-locked": locked ? "1" : null });
      list.appendChild(el("label", { "class": "choice" }, [input, el("span", { text: choice.label })]));
    });
    var legend = interpolated("legend", { "class": "q-label" }, displayLabel(q));
    if (isRequired(q)) legend.appendChild(requiredMark(q));
    var fieldset = el("fieldset", { "class": "choices" + (appearance(q).indexOf("horizontal") >= 0 ? " horizontal" : "") },
                      [legend, hint(q), list]);
    if (q.type === "select_one" && !isRequired(q) && !q.read_only && !options.readOnly) {
      fieldset.appendChild(el("button", { type: "button", "class": "btn btn-clear-choice js-only", "data-clear-choice": true,
                                          hidden: true, text: "Bỏ chọn" }));
    }
    return fieldset;
  }

  function question(defn, q, index, options) {
    var id = domId(q, index);
    if (q.type === "note") {
      return el("div", { "class": "q q-note", "data-q": q.name, id: id }, [interpolated("p", { "class": "note-text" }, q.label), hint(q)]);
    }
    if (q.type === "calculate") {
      if (!q.label) return null;
      return el("div", { "class": "q q-calculate", "data-q": q.name, id: id }, [
        interpolated("span", { "class": "q-label" }, q.label),
        el("output", { "class": "calc-value", "data-calc": q.name, text: "—" }), hint(q)]);
    }
    if (q.type === "repeat") return repeatGroup(defn, q, options);
    var name = fieldName(q, index);
    var children;
    if ((q.type === "select_one" && !usesDropdown(q)) || q.type === "select_multiple") {
      children = [choiceList(q, name, options)];
    } else {
      var label = interpolated("label", { "class": "q-label", "for": name }, displayLabel(q));
      if (isRequired(q)) label.appendChild(requiredMark(q));
      children = [label, hint(q), q.type === "select_one" ? dropdown(q, name, options) : textInput(q, name, options)];
    }
    children.push(errorLine());
    return el("div", { "class": "q q-" + q.type, "data-q": q.name, id: id }, children);
  }

  function references(ast, found) {
    if (Array.isArray(ast)) {
      if (ast[0] === "ref" && typeof ast[1] === "string") found.add(ast[1]);
      else ast.forEach(function (part) { references(part, found); });
    }
    return found;
  }

  function labelOf(defn, name) {
    var found = name;
    defn.sections.forEach(function (section) {
      section.questions.forEach(function (q) { if (q.name === name) found = displayLabel(q); });
    });
    return found;
  }

  function repeatRow(defn, q, options) {
    var index = "__index__";
    var row = el("fieldset", { "class": "repeat-row", "data-row": index, id: "q-" + q.name + "-" + index }, [
      el("legend", {}, [el("span", { "class": "row-title", text: displayLabel(q) }), document.createTextNode(" "),
                        el("span", { "class": "row-number", "data-row-number": true, text: "__number__" }),
                        el("span", { "class": "row-caption", "data-row-caption": true })]),
      el("input", { type: "hidden", name: q.name + "-" + index + "--row", value: "1" })]);
    (q.questions || []).forEach(function (child) { var drawn = question(defn, child, index, {}); if (drawn) row.appendChild(drawn); });
    row.appendChild(errorLine());
    if (!q.repeat_count) {
      row.appendChild(el("div", { "class": "row-tools js-only" }, [
        el("button", { type: "button", "class": "btn btn-small btn-remove-row", "data-remove-row": true, text: "Xóa" })]));
    }
    return row;
  }

  function repeatGroup(defn, q, options) {
    var label = displayLabel(q);
    var empty = "Chưa có dòng nào.";
    if (q.repeat_count) {
      var names = Array.from(references(q.repeat_count.ast, new Set())).sort();
      empty = "Số dòng lấy theo câu " + names.map(function (n) { return "“" + labelOf(defn, n) + "”"; }).join(", ") +
        ": hãy trả lời câu đó trước.";
    }
    var template = el("template", { "data-row-template": q.name });
    template.content.appendChild(repeatRow(defn, q, options));
    var group = el("div", { "class": "q q-repeat", "data-q": q.name, id: "q-" + q.name, "data-repeat": q.name }, [
      interpolated("h3", { "class": "q-label repeat-title" }, label), hint(q), errorLine(),
      el("div", { "class": "repeat-rows", "data-rows-for": q.name }),
      el("p", { "class": "repeat-empty muted", "data-repeat-empty": true, text: empty }), template]);
    if (!q.repeat_count) {
      group.appendChild(el("button", { type: "button", "class": "btn btn-add-row js-only", "data-add-row": q.name,
                                       text: "+ Thêm " + label.charAt(0).toLowerCase() + label.slice(1) }));
    }
    return group;
  }

  function progress(defn) {
    return el("div", { "class": "form-progress js-only", "data-progress": true }, [
      el("div", { "class": "progress-text" }, [
        el("strong", { "data-progress-text": true, text: "Phần 1/" + defn.sections.length }), document.createTextNode(" "),
        el("span", { "data-progress-label": true, text: defn.sections.length ? defn.sections[0].label : "" })]),
      el("div", { "class": "progress-bar" }, [el("span", { "data-progress-bar": true })])]);
  }

  function sectionMarks(defn) {
    var marks = el("ol", { "class": "section-marks", "aria-label": "Các phần của phiếu", "data-section-marks": true, hidden: true });
    defn.sections.forEach(function (section, i) {
      marks.appendChild(el("li", {}, [el("button", { type: "button", "class": "btn section-mark", "data-goto-section": section.name }, [
        el("span", { "class": "mark-number", text: String(i + 1) }), document.createTextNode(" "),
        el("span", { "class": "mark-state", "data-mark-state": true })])]));
    });
    return marks;
  }

  function formBar(options) {
    var save = el("div", { "class": "save-buttons" });
    if (!options.readOnly) {
      save.appendChild(el("button", { type: "submit", "class": "btn", value: "draft", "data-action": "draft", text: "Lưu nháp" }));
      save.appendChild(el("button", { type: "submit", "class": "btn btn-primary", value: "submit", "data-action": "submit", text: "Gửi phiếu" }));
    }
    return el("div", { "class": "form-bar" }, [
      el("div", { "class": "bar-message", role: "alert", "data-client-errors": true, hidden: true }),
      el("div", { "class": "nav-buttons js-only" }, [
        el("button", { type: "button", "class": "btn", "data-nav": "prev", text: "‹ Phần trước" }),
        el("button", { type: "button", "class": "btn", "data-nav": "next", text: "Phần sau ›" })]), save]);
  }

  function draw(form, defn, options) {
    options = options || {};
    while (form.firstChild) form.removeChild(form.firstChild);
    var data = { uuid: options.uuid, round: options.round, household: options.household, "start-section": options.startSection || "",
                 visited: (options.visited || []).join(" "), "start-error": "0", "submit-attempted": "0",
                 "base-version": options.base || "", "read-only": options.readOnly ? "1" : "0", today: options.today,
                 owner: options.owner };
    Object.keys(data).forEach(function (key) { form.setAttribute("data-" + key, data[key] === undefined ? "" : data[key]); });
    form.classList.add("questionnaire");
    form.setAttribute("novalidate", "");
    form.setAttribute("autocomplete", "off");
    form.appendChild(el("input", { type: "hidden", name: "submission-uuid", value: options.uuid, "data-meta": "uuid" }));
    form.appendChild(el("input", { type: "hidden", name: "submission-started", value: options.started || "", "data-meta": "started" }));
    form.appendChild(el("input", { type: "hidden", name: "submission-form-version", value: defn.version }));
    form.appendChild(el("input", { type: "hidden", name: "submission-section", value: options.startSection || "", "data-meta": "section" }));
    form.appendChild(progress(defn));
    form.appendChild(sectionMarks(defn));
    var body = el("fieldset", { "class": "form-body", disabled: !!options.readOnly }, [
      el("legend", { "class": "visually-hidden", text: defn.title })]);
    defn.sections.forEach(function (section) {
      var node = el("section", { "class": "form-section", "data-section": section.name, id: "s-" + section.name,
                                 "aria-labelledby": "sh-" + section.name },
                    [el("h2", { "class": "section-title", id: "sh-" + section.name, text: section.label })]);
      section.questions.forEach(function (q) { var drawn = question(defn, q, null, options); if (drawn) node.appendChild(drawn); });
      body.appendChild(node);
    });
    form.appendChild(body);
    form.appendChild(formBar(options));
    return form;
  }

  root.SurveyFormMarkup = { draw: draw };
})(window);
