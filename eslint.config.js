// Lint rules that encode Wardline's boundaries: where code runs decides what it may import,
// and PHI-hostile APIs (browser storage, HTML injection, weak randomness) are errors.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const banned = [
  { object: 'Math', property: 'random', message: 'Use node:crypto or libsodium randomness.' },
  { object: 'window', property: 'localStorage', message: 'PHI must never persist in the renderer.' },
  { object: 'window', property: 'sessionStorage', message: 'PHI must never persist in the renderer.' },
  { object: 'window', property: 'indexedDB', message: 'PHI must never persist in the renderer.' },
];

/** What main may never import, wherever in main it is. */
const mainBoundaries = [
  { group: ['**/renderer/**', '**/preload/**'], message: 'Main does not import page code.' },
  {
    group: ['**/server/**', '**/launch/**'],
    message: 'The app never imports the server: shared code lives in shared/ or shared/node/.',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'release/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-restricted-properties': ['error', ...banned],
      'no-restricted-globals': ['error', 'localStorage', 'sessionStorage', 'indexedDB'],
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'Message content is text, never HTML.',
        },
        { selector: "MemberExpression[property.name='innerHTML']", message: 'Message content is text, never HTML.' },
        { selector: "CallExpression[callee.name='eval']", message: 'No eval.' },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/server/**', '**/launch/**'],
              message: 'The renderer reaches main only through window.wardline.',
            },
            { group: ['**/shared/node/**'], message: 'shared/node/ is Node code; the renderer has no Node.' },
            { group: ['node:*', 'electron'], message: 'The renderer has no Node and no Electron.' },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/server/**', '**/renderer/**', '**/launch/**'],
              message: 'Preload builds on shared/ only.',
            },
            { group: ['**/shared/node/**'], message: 'shared/node/ is Node code; a sandboxed preload has no Node.' },
          ],
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/node/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/main/**', '**/server/**', '**/renderer/**', '**/preload/**', 'node:*', 'electron'],
              message: 'shared/ runs everywhere: it imports nothing process-specific.',
            },
            { group: ['**/node/**'], message: 'shared/ runs in the page too: shared/node/ is for Node only.' },
          ],
        },
      ],
    },
  },
  {
    // Node code both sides run (the trail verifier, FHIR and syslog codecs, base64, libsodium,
    // workers): it must not reach into either side, or the app would bundle the server again.
    files: ['shared/node/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared/node/ runs under plain Node on both sides.' }],
          patterns: [
            {
              group: ['**/main/**', '**/server/**', '**/renderer/**', '**/preload/**', '**/launch/**'],
              message: 'shared/node/ imports only shared/ and Node: both the app and the server use it.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'Only main/electron/ imports Electron; the core runs under plain Node.',
              allowTypeImports: true,
            },
          ],
          patterns: mainBoundaries,
        },
      ],
    },
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: mainBoundaries }] },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The server never runs in Electron.' }],
          patterns: [
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**', '**/launch/**'],
              message: 'The server never imports the app: shared code lives in shared/ or shared/node/.',
            },
          ],
        },
      ],
    },
  },
  {
    // Launchers wire a server and a workstation together for development and demos; never bundled.
    files: ['launch/**/*.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    files: [
      'test/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.{ts,mjs,js}',
      '*.config.{ts,js}',
      '*/vite*.config.ts',
      'eslint.config.js',
    ],
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['*.cjs'],
    languageOptions: { globals: globals.commonjs },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
