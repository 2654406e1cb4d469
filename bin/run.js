#!/usr/bin/env node
import {execute, settings} from '@oclif/core';

// Always run the compiled dist/, even with NODE_ENV=development or test: the package ships no sources.
settings.enableAutoTranspile = false;
await execute({dir: import.meta.url});
