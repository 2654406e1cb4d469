// The integration tests (a real sshd, network namespaces, Dask across lab hosts), apart from the unit tests so they
// can be run alone (npm run test:integration); npm test runs them after the unit tests, and under CI=true none skips.
export default {
  files: ['dist/test/integration/**/*.test.js'],
  timeout: '5m',
  workerThreads: false,
};
