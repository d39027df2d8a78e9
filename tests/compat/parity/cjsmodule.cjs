// The same handler as handler.js, as a CommonJS .cjs file.
"use strict";

const KEYS = ["FROM_PROVIDER", "NULL_VAR", "DROPPED_BY_FUNCTION", "EMPTY_E", "SET_E", "IS_LOCAL"];

exports.report = async (event, context) => ({
  event,
  env: Object.fromEntries(KEYS.map((key) => [key, key in process.env ? process.env[key] : "<unset>"])),
  clientContext: context.clientContext === undefined ? "<undefined>" : JSON.stringify(context.clientContext),
  custom: context.custom === undefined ? "<undefined>" : JSON.stringify(context.custom),
});
