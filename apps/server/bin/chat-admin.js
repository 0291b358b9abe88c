#!/usr/bin/env node
// A committed entry point, so pnpm can link the command at install time, before the
// build has written dist/.
import "../dist/admin/command.js";
