// The compatibility matrix's function (Node.js): the event's "case" says what to do.
"use strict";

exports.handler = async (event) => {
  const kase = event && typeof event === "object" ? event.case : undefined;
  console.log(`compat case ${kase}`);
  if (kase === "raise") throw new Error("compat boom");
  if (kase === "timeout") await new Promise((resolve) => setTimeout(resolve, 30000));
  if (kase === "big") return "x".repeat(7 * 1024 * 1024);
  if (kase === "string") return "hello";
  return { ok: true, case: kase === undefined ? null : kase };
};
