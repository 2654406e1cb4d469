// ESLint's recommended rules and typescript-eslint's, on the sources, tests, benchmarks and scripts.
// Formatting is Prettier's (npm run format); lint never argues about layout.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'results/**', 'src/network/wasm/binary.generated.ts']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        queueMicrotask: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        WebAssembly: 'readonly',
      },
    },
    rules: {
      // Escaping control characters from outside text (printable(), names, framing) is this toolkit's job,
      // so its regular expressions name them on purpose.
      'no-control-regex': 'off',
      // An unused argument named _x says "the interface passes it, this implementation needs none of it".
      '@typescript-eslint/no-unused-vars': [
        'error',
        {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'},
      ],
    },
  },
);
