/*
 * No cycles between feature modules (README "Architecture"), judged per folder: a cycle shows even
 * when it runs through different files of each module. Composition roots and shared code are left
 * out of this graph: they wire modules together, and .dependency-cruiser.cjs already forbids shared
 * code to reach a feature module.
 */
const base = require('./.dependency-cruiser.cjs');
const { FEATURES, COMPOSITION_ROOTS } = require('./scripts/architecture.cjs');

// A module's subfolders (src/questions/routing/) belong to it; cycles inside one module are its own business.
const feature = `^src/(${FEATURES.join('|')})(/|$)`;

module.exports = {
  forbidden: [
    {
      name: 'no-cycles-between-features',
      severity: 'error',
      comment: 'Feature modules depend on each other in one direction only; a cycle means one of them owns the wrong thing.',
      scope: 'folder',
      from: { path: feature },
      to: { path: feature, pathNot: '^src/$1(/|$)', circular: true },
    },
  ],
  options: {
    ...base.options,
    doNotFollow: { path: ['node_modules', '^migrations/'] },
    exclude: { path: [...base.options.exclude.path, ...COMPOSITION_ROOTS, '^src/(common|infra|config)/'] },
  },
};
