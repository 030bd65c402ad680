// ESLint for the browser app, run by `cargo xtask ci` (`npm run lint`).
//
// TypeScript 7 (the native compiler) has no JavaScript API, which typescript-eslint's parser
// needs, so ESLint reads TypeScript through Babel's parser. Types are checked by `tsc --noEmit`;
// ESLint checks what types do not: the rules of hooks, effect dependencies, and plain mistakes.
import js from "@eslint/js";
import babelParser from "@babel/eslint-parser";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

const babel = {
  requireConfigFile: false,
  babelOptions: {
    babelrc: false,
    configFile: false,
    presets: [
      ["@babel/preset-typescript", { isTSX: true, allExtensions: true }],
      ["@babel/preset-react", { runtime: "automatic" }],
    ],
  },
};

export default [
  { ignores: ["dist/", "node_modules/", "e2e/screenshots/"] },
  js.configs.recommended,
  {
    files: ["src/**/*.{ts,tsx}", "*.ts"],
    languageOptions: { parser: babelParser, parserOptions: babel, globals: { ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
      // tsc reports unused and undefined names with their types (noUnusedLocals); ESLint would
      // misread type-only names and declarations.
      "no-unused-vars": "off",
      "no-undef": "off",
      "no-redeclare": "off",
    },
  },
  { files: ["*.ts"], languageOptions: { globals: { ...globals.node } } },
  { files: ["public/service-worker.js"], languageOptions: { globals: { ...globals.serviceworker } } },
  {
    // Node scripts that also run functions inside the page (page.evaluate).
    files: ["e2e/**/*.mjs"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { "no-unused-vars": ["error", { varsIgnorePattern: "^_", argsIgnorePattern: "^_" }] },
  },
];
