// Lint rules for src/, test/, scripts/ and bench/ (npm run lint; CI runs it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/node_modules/', 'test-output/', 'data/', 'src/web/assets/**/*.min.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  // the pages' own scripts run in the browser
  { files: ['src/web/static/**/*.js'], languageOptions: { globals: { ...globals.browser, Plotly: 'readonly' } } },
  // tests poke at documents of any shape
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
