// Command lines of the JS benchmarks (bench:compare, bench:js): options, usage errors printed
// without a stack, and the exit status.
'use strict';

/** An error in how the benchmark was called: printed as its message alone. */
function usageError(message) {
  const err = new Error(message);
  err.usage = true;
  return err;
}

/**
 * `--quick` and the other flags become `true`, each `--name VALUE` in `valued` goes through its
 * converter; anything else is a usage error listing what is accepted. Keys lose their `--`.
 */
function parseOptions(argv, valued, flags = ['--quick']) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (flags.includes(a)) out[a.slice(2)] = true;
    else if (Object.hasOwn(valued, a)) {
      if (i + 1 >= argv.length) throw usageError(`${a} needs a value`);
      out[a.slice(2)] = valued[a](argv[++i]);
    } else {
      const accepted = [...flags, ...Object.keys(valued).map((k) => `${k} VALUE`)].join(', ');
      throw usageError(`unknown option ${a} (${accepted})`);
    }
  }
  return out;
}

/** Runs the benchmark's async main; a failure is printed as `name: ...` and exits `status`. */
function runMain(name, main, status = 1) {
  main().catch((err) => {
    process.stderr.write(`${name}: ${err.usage ? err.message : (err.stack ?? err)}\n`);
    process.exitCode = status;
  });
}

module.exports = { usageError, parseOptions, runMain };
