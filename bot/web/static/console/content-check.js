// The draft form's live check: while the editor types, the server runs the same validation and
// reading-grade limits as `python -m bot kb validate` and the problems show beside each field.
// A static file, because the console's Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var DELAY_MS = 400;

  function show(list, messages) {
    list.textContent = "";
    messages.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
  }

  function grade(label, value, limit) {
    if (value === null || value === undefined) return label + ": none";
    var over = typeof limit === "number" && value > limit;
    return label + ": grade " + value.toFixed(1) + (over ? " (over " + limit + ")" : "");
  }

  function render(form, result) {
    var byField = {};
    (result.problems || []).forEach(function (problem) {
      var key = form.querySelector("#problems-" + problem.field) ? problem.field : "other";
      var text = key === "other" ? problem.field + ": " + problem.message : problem.message;
      (byField[key] = byField[key] || []).push(text);
    });
    form.querySelectorAll("ul.problems").forEach(function (list) {
      show(list, byField[list.id.replace("problems-", "")] || []);
    });
    var grades = form.querySelector("#grades");
    if (!grades) return;
    var limits = result.limits || {};
    var lines = [
      grade("Answer", result.answer_grade, limits.answer_grade),
      grade("Detail", result.detail_grade, limits.detail_grade),
      "Answer words: " + result.answer_words,
      "Longest sentence: " + result.longest_sentence_words + " words",
      result.ok ? "No problems found." : (result.problems || []).length + " problem(s) to fix."
    ];
    grades.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      grades.appendChild(p);
    });
    grades.setAttribute("data-ok", result.ok ? "yes" : "no");
  }

  function attach(form) {
    var timer = null;
    var sent = 0;
    var token = form.querySelector("input[name=csrf]").value;
    function check() {
      var mine = ++sent;
      fetch(form.getAttribute("data-check"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": token },
        body: new URLSearchParams(new FormData(form))
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (result) {
          if (result && mine === sent) render(form, result);  // only the latest answer counts
        })
        .catch(function () { /* the check is a help; saving still validates */ });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(check, DELAY_MS);
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    check();
  }

  document.querySelectorAll("form[data-check]").forEach(attach);
})();
