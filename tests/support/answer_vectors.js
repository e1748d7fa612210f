// Runs tests/vectors/answer_sets.json through survey_app/static/js/engine.js under Node.
// Usage: node answer_vectors.js <vectors.json> <forms.json>; prints [{name, errors, answers} | {name, thrown}] as JSON.
// <forms.json> maps each form name (and form file) to its compiled definition, as the server compiles it.
"use strict";
const fs = require("fs");
const path = require("path");
const engine = require(path.join(__dirname, "..", "..", "survey_app", "static", "js", "engine.js"));

const vectors = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const compiled = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const results = vectors.cases.map((vector) => {
  try {
    const state = engine.run(compiled[vector.form || vector.form_file], vector.answers,
      { today: vector.today, submit: vector.submit });
    return { name: vector.name, errors: state.errors, answers: state.answers };
  } catch (e) {
    return { name: vector.name, thrown: String((e && e.stack) || e) };
  }
});
process.stdout.write(JSON.stringify(results));
