#!/usr/bin/env node
// The installed `twofold` command runs the built CLI (npm run build).
await import('../dist/src/cli/main.js');
