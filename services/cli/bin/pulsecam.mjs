#!/usr/bin/env node
// `npx pulsecam …`: the command-line tool runs from its TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
