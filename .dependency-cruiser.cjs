// Import rules for src/, checked in CI (`npm run lint:deps`, run by .ci/run) and by
// test/architecture.test.ts. They keep the layers a newcomer relies on when changing a command:
// the domain is plain logic, cards only draw, and only the chat surface speaks Bot Framework.
// (A .cjs file: package.json says "type": "module", and this one uses module.exports.)

/** Node built-ins that reach outside the process. `node:crypto` is not here: PIN generation in the domain needs uniform randomness. */
const IO_BUILTINS = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'child_process', 'dgram', 'dns', 'dns/promises', 'tls', 'worker_threads', 'cluster'];

/** npm packages that do I/O (or are the Bot Framework). */
const IO_PACKAGES = ['botbuilder', 'botbuilder-[^/]+', 'botframework-[^/]+', 'restify', 'ldapts', 'kysely', 'better-sqlite3', 'pg', 'pino'];

/** A built-in, with or without the `node:` prefix (and its subpaths). */
const builtins = (names) => `^(node:)?(${names.join('|')})(/|$)`;
/** A package as resolved under node_modules, or by its bare name when it is not installed (as in the rules' own test fixture). */
const packages = (names) => `(^|/)node_modules/(${names.join('|')})/|^(${names.join('|')})(/|$)`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      // A cycle means neither module can be read, tested or moved without the other; type-only
      // imports count too (tsPreCompilationDeps below), since they tie the files together just the same.
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles in src/, type-only imports included.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      // Bot Framework types and behaviour stay behind the chat surface: the desk, cards, HTTP server
      // and CLI work without it, and a botbuilder upgrade touches src/chat only. app.ts is the
      // composition root that builds the CloudAdapter.
      name: 'botbuilder-only-in-chat-surface',
      severity: 'error',
      comment: 'botbuilder / botframework-* only from src/chat/** and src/app.ts.',
      from: { path: '^src/', pathNot: ['^src/chat/', '^src/app\\.ts$'] },
      to: { path: packages(['botbuilder', 'botbuilder-[^/]+', 'botframework-[^/]+']) },
    },
    {
      // The domain (commands, rules, PIN generation) is plain logic at the bottom of the tree: it
      // must be testable without a network, disk, database or logger, and it depends on nothing
      // above it (adapters, chat, http, cli, desk, ports, cards, ...).
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain imports only src/domain, pure packages and non-I/O built-ins.',
      from: { path: '^src/domain/' },
      to: { path: [builtins(IO_BUILTINS), packages(IO_PACKAGES), '^src/(?!domain/)'] },
    },
    {
      // Cards only turn results into Adaptive Cards and text: they never reach a directory, the
      // store, the network or the Bot Framework, so they can be previewed and tested on their own.
      name: 'cards-are-pure',
      severity: 'error',
      comment: 'src/cards may not import adapters, chat, http, cli or I/O.',
      from: { path: '^src/cards/' },
      to: { path: [builtins(IO_BUILTINS), packages(IO_PACKAGES), '^src/(adapters|chat|http|cli)/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // `import type` counts as a dependency (for no-circular above and the layer rules).
    tsPreCompilationDeps: true,
    // Resolves the NodeNext-style './x.js' specifiers to the .ts sources.
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
