// ESLint (flat config) for the PWA and the JS tests, run by `make lint`.
// The recommended rules only: they catch mistakes (undefined names, unused
// variables, unreachable code); layout is Prettier's job (.prettierrc.json).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['pwa/vendor/**', 'node_modules/**', 'bench/**', 'build/**', 'tests/artifacts/**'] },
  js.configs.recommended,
  {
    files: ['pwa/js/**/*.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.browser },
  },
  {
    files: ['pwa/sw.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'script', globals: globals.serviceworker },
  },
  {
    files: ['tests/**/*.mjs', 'tests/**/*.js', 'cmake/*.mjs', 'eslint.config.js'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
  },
  {
    // Functions passed to page.evaluate() run in the page, the service worker
    // or a canvas: they use the browser's globals.
    files: ['tests/browser/**', 'tests/fixtures/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser, ...globals.serviceworker } },
  },
  {
    // Unused arguments keep a handler's signature readable; a leading _ marks
    // an unused variable kept on purpose.
    rules: {
      'no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
];
