// Preloaded (node --import) into a CLI run whose peak memory a test checks: at exit, writes the
// process's peak resident set size in kB (getrusage ru_maxrss, as /usr/bin/time -v reports it) to
// the file named by $KEYPRINT_TEST_MAXRSS. Test-only; nothing in src/ knows about it.
import { writeFileSync } from 'node:fs';

process.on('exit', () => writeFileSync(process.env.KEYPRINT_TEST_MAXRSS, String(process.resourceUsage().maxRSS)));
