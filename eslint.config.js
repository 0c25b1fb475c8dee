import tseslint from 'typescript-eslint';

/**
 * The contract boundary: src/contract/ is the wire contract and imports nothing but zod (and
 * itself); the clients (packages/client, packages/panel) import only the contract. Nothing there
 * may pull in Workers code.
 */
const contractOnly = (allowed, message) => [
  'error',
  { patterns: [{ regex: `^(?!${allowed.join('|')}).*`, message }] },
];

/**
 * One import style: a relative import names the file as it will be loaded, `.js` (or `.json`, a page's `.css`).
 * The packages' declarations need it (nodenext resolves nothing else), and wrangler, vitest and
 * tsx all map `./x.js` to `./x.ts`, so the Worker, the tests and the scripts read the same way.
 */
const RELATIVE_WITHOUT_JS = '[source.value=/^\\.(?!.*\\.(js|json|css)$)/]';
const oneImportStyle = [
  'error',
  ...['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration', 'ImportExpression'].map((node) => ({
    selector: `${node}${RELATIVE_WITHOUT_JS}`,
    message: "A relative import ends in '.js' (or '.json'): './store/types.js', not './store/types' or './store/types.ts'.",
  })),
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'examples/panel/dist/', 'packages/*/dist/', '.wrangler/', 'worker-configuration.d.ts', 'drizzle/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error', 'warn', 'log'] }],
      eqeqeq: 'error',
      'no-restricted-syntax': oneImportStyle,
    },
  },
  {
    // The Worker runs SQL of its own: Drizzle (and the schema built on it) is drizzle-kit's, at dev
    // time only, and would put its dialects back in the bundle (test/node/bundle-size.test.ts).
    files: ['src/**/*.ts'],
    ignores: ['src/db/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^drizzle-orm(/|$)|/db/schema\\.', message: 'No Drizzle at run time: write the SQL (src/store/shared/*-sql.ts, the stores).' }] },
      ],
    },
  },
  {
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': contractOnly(['zod(/mini)?$', '\\./'], 'src/contract imports only zod and its own files.'),
    },
  },
  {
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': contractOnly(
        ['zod(/mini)?$', '\\./', '\\.\\./\\.\\./src/contract/index\\.js$'],
        'The clients import only zod, their own files and src/contract.',
      ),
    },
  },
);
