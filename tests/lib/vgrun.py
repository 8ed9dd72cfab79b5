"""The exporter under valgrind, for the memory tests.

  ex = Exporter(workdir, config, wrapper=vgrun.wrapper(log_path), ...)
  ... exercise it ...
  vgrun.stop_and_check(testcase, ex, log_path)

stop_and_check sends SIGTERM, waits for a clean exit and fails the test on
any memory error or definite/indirect leak valgrind reported.
"""

import signal


def wrapper(log_path):
    return ["valgrind", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect",
            "--error-exitcode=99", f"--log-file={log_path}"]


def stop_and_check(tc, ex, log_path, timeout=120):
    ex.proc.send(signal.SIGTERM)
    rc = ex.proc.p.wait(timeout=timeout)
    with open(log_path) as f:
        report = f.read()
    tc.assertEqual(rc, 0, report[-4000:])
    tc.assertRegex(report, r"ERROR SUMMARY: 0 errors")
    tc.assertNotRegex(report, r"definitely lost: [1-9]")
    tc.assertNotRegex(report, r"indirectly lost: [1-9]")
