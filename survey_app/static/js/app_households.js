/*
 * The offline app's household screens (window.SurveyAppHouseholds), drawn from what the device keeps: the
 * household list of the user's villages from the device package, with each household's mark for the chosen round
 * ("Trên máy, chưa gửi" for an outbox item, "Bị từ chối" with the server's reason, "Nháp trên máy" for a draft, else
 * the server's state), the refused items to fix or discard, and the form that adds a household in the field.
 * A household added on the device has the key "new:<client_uuid>" until the server assigned its code.
 *
 *   households(ctx)                   -> [{key, code, head_name, village, members, ethnic_group, address, isNew, server}]
 *   markOf(ctx, key)                  -> {kind, text}
 *   drawHome(container, ctx, actions)  (actions: {fix(item), discard(item)})
 *   drawNewHousehold(container, ctx, template, onCreate)
 * ctx: {owner, pkg, round, drafts, outbox, newHouseholds}.
 */
(function (root) {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function households(ctx) {
    var list = ctx.pkg.households.map(function (h) {
      return Object.assign({}, h, { key: h.code, isNew: false, server: (h.rounds || {})[ctx.round.code] || null });
    });
    ctx.newHouseholds.forEach(function (h) {
      list.push(Object.assign({}, h, { key: "new:" + h.client_uuid, code: "", isNew: true, server: null }));
    });
    return list;
  }

  function itemFor(ctx, key) {
    return ctx.outbox.filter(function (item) { return item.round === ctx.round.code && item.household === key; })[0];
  }

  function draftFor(ctx, key) {
    return ctx.drafts.filter(function (d) { return d.round === ctx.round.code && d.household === key; })[0];
  }

  function markOf(ctx, key, server) {
    var item = itemFor(ctx, key);
    if (item && item.status === "refused") return { kind: "refused", text: "Bị từ chối: " + item.error.message };
    if (item) return { kind: "outbox", text: "Trên máy, chưa gửi" };
    if (draftFor(ctx, key)) return { kind: "draft", text: "Nháp trên máy" };
    if (server) return { kind: "state-" + server.state, text: server.state_label };
    return { kind: "none", text: "Chưa khảo sát" };
  }

  function villageLabel(ctx, code) {
    var village = ctx.pkg.villages.filter(function (v) { return v.code === code; })[0];
    return village ? village.label : code;
  }

  function refusedList(ctx, actions) {
    var refused = ctx.outbox.filter(function (item) { return item.status === "refused"; });
    if (!refused.length) return null;
    var box = el("section", { "class": "card refused-items", "data-refused": "" });
    box.appendChild(el("h2", {}, "Phiếu bị máy chủ từ chối (" + refused.length + ")"));
    refused.forEach(function (item) {
      var row = el("div", { "class": "refused-item", "data-refused-item": item.household });
      row.appendChild(el("p", {}, item.label));
      row.appendChild(el("p", { "class": "error", role: "alert" }, item.error.message));
      Object.keys(item.error.errors || {}).forEach(function (path) {
        row.appendChild(el("p", { "class": "hint" }, path + ": " + item.error.errors[path]));
      });
      var fix = el("button", { type: "button", "class": "btn", "data-fix": "" }, "Sửa phiếu");
      fix.addEventListener("click", function () { actions.fix(item); });
      var discard = el("button", { type: "button", "class": "btn btn-danger", "data-discard": "" }, "Bỏ phiếu này");
      discard.addEventListener("click", function () {
        if (root.confirm("Bỏ hẳn phiếu của " + item.label + "? Các câu trả lời trên máy sẽ bị xóa.")) actions.discard(item);
      });
      var tools = el("div", { "class": "save-buttons" });
      tools.appendChild(fix);
      tools.appendChild(discard);
      row.appendChild(tools);
      box.appendChild(row);
    });
    return box;
  }

  function roundPicker(ctx) {
    if (ctx.pkg.rounds.length < 2) return el("p", { "class": "muted" }, ctx.round.name);
    var nav = el("nav", { "class": "round-picker", "aria-label": "Đợt khảo sát" });
    ctx.pkg.rounds.forEach(function (r) {
      var link = el("a", { href: "#/r/" + encodeURIComponent(r.code), "class": "btn" + (r.code === ctx.round.code ? " btn-primary" : "") }, r.name);
      nav.appendChild(link);
    });
    return nav;
  }

  function drawHome(container, ctx, actions) {
    container.textContent = "";
    var head = el("div", { "class": "list-head" });
    head.appendChild(el("h1", {}, "Hộ trong địa bàn"));
    head.appendChild(el("a", { "class": "btn btn-primary", href: "#/r/" + encodeURIComponent(ctx.round.code) + "/new",
                               "data-add-household": "" }, "+ Thêm hộ mới"));
    container.appendChild(head);
    container.appendChild(roundPicker(ctx));
    var refused = refusedList(ctx, actions);
    if (refused) container.appendChild(refused);
    var byVillage = {};
    households(ctx).forEach(function (h) { (byVillage[h.village] = byVillage[h.village] || []).push(h); });
    Object.keys(byVillage).sort().forEach(function (code) {
      var group = el("section", { "class": "card village", "data-village": code });
      group.appendChild(el("h2", {}, villageLabel(ctx, code)));
      var list = el("ul", { "class": "household-list" });
      byVillage[code].forEach(function (h) {
        var mark = markOf(ctx, h.key, h.server);
        var link = el("a", { "class": "household-row", "data-household": h.key,
                             href: "#/r/" + encodeURIComponent(ctx.round.code) + "/h/" + encodeURIComponent(h.key) });
        link.appendChild(el("span", { "class": "hh-name" }, h.head_name));
        link.appendChild(el("span", { "class": "muted hh-code" }, h.isNew ? "hộ mới, chưa có mã" : h.code));
        link.appendChild(el("span", { "class": "badge mark-" + mark.kind, "data-mark": mark.kind }, mark.text));
        var item = el("li", {});
        item.appendChild(link);
        list.appendChild(item);
      });
      group.appendChild(list);
      container.appendChild(group);
    });
    if (!ctx.pkg.households.length && !ctx.newHouseholds.length) {
      container.appendChild(el("p", { "class": "muted" }, "Chưa có hộ nào trong địa bàn của bạn."));
    }
  }

  function options(select, entries) {
    entries.forEach(function (entry) { select.appendChild(el("option", { value: entry[0] }, entry[1])); });
  }

  function drawNewHousehold(container, ctx, template, onCreate) {
    container.textContent = "";
    container.appendChild(template.content.cloneNode(true));
    var form = container.querySelector("[data-new-household]");
    options(form.elements.village, ctx.pkg.villages.map(function (v) { return [v.code, v.label]; }));
    options(form.elements.ethnic_group, [["", "— Chọn —"]].concat(ctx.pkg.ethnic_groups.map(function (g) { return [g.code, g.name]; })));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var values = {};
      ["village", "head_name", "ethnic_group", "members", "address"].forEach(function (name) {
        values[name] = form.elements[name].value.trim();
      });
      var members = Number(values.members);
      var problem = !values.head_name ? "Hãy nhập họ tên chủ hộ."
        : !values.ethnic_group ? "Hãy chọn dân tộc của hộ."
        : !/^\d+$/.test(values.members) || members < 1 || members > 50 ? "Số nhân khẩu phải là số nguyên từ 1 đến 50." : "";
      var line = form.querySelector("[data-error]");
      line.textContent = problem;
      line.hidden = !problem;
      if (!problem) onCreate(Object.assign(values, { members: members }));
    });
  }

  root.SurveyAppHouseholds = { households: households, markOf: markOf, drawHome: drawHome,
                               drawNewHousehold: drawNewHousehold, itemFor: itemFor, draftFor: draftFor };
})(window);
