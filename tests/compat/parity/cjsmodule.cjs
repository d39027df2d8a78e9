// The handler of handler.js, loaded from a CommonJS .cjs file (its own resolution path).
"use strict";

module.exports = require("./handler.js");
