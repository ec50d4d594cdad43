"""Runs the integration suite against the stack that ./run brought up: the
data cases first, then the stack tests in order.  Prints one line per test
and a final "N passed, N failed"; exits 1 on any failure."""

import sys
import time
import traceback

import cases
import itest
# Registration order is run order: test_stack's last test stops the stack.
import test_auth  # noqa: F401  (registers its tests on import)
import test_auth_flows  # noqa: F401  (registers its tests on import)
import test_auth_github  # noqa: F401  (registers its tests on import)
import test_catalog  # noqa: F401  (registers its tests on import)
import test_identity  # noqa: F401  (registers its tests on import)
import test_catalog_locations  # noqa: F401  (registers its tests on import)
import test_catalog_read  # noqa: F401  (registers its tests on import)
import test_catalog_routes  # noqa: F401  (registers its tests on import)
import test_catalog_ingest  # noqa: F401  (registers its tests on import)
import test_catalog_conflicts  # noqa: F401  (registers its tests on import)
import test_catalog_cache  # noqa: F401  (registers its tests on import)
import test_catalog_provider  # noqa: F401  (registers its tests on import)
import test_shtest_upstream  # noqa: F401  (registers its tests on import)
import test_perch  # noqa: F401  (registers its tests on import)
import test_github_actions  # noqa: F401  (registers its tests on import)
import test_openchoreo  # noqa: F401  (registers its tests on import)
import test_openchoreo_templates  # noqa: F401  (registers its tests on import)
import test_catalog_kinds_openchoreo  # noqa: F401  (registers its tests on import)
# Last of the openchoreo tests: its last test checks they all cleaned up.
import test_openchoreo_events  # noqa: F401  (registers its tests on import)
import test_jenkins  # noqa: F401  (registers its tests on import)
import test_techdocs  # noqa: F401  (registers its tests on import)
import test_techdocs_url  # noqa: F401  (registers its tests on import)
import test_ui  # noqa: F401  (registers its tests on import)
import test_routes  # noqa: F401  (registers its tests on import)
import test_stack  # noqa: F401  (registers its tests on import)


def main(argv):
    only = argv[1:]
    cases_first = [t for t in itest.TESTS if t[0].startswith("case ")]
    rest = [t for t in itest.TESTS if not t[0].startswith("case ")]
    passed = failed = skipped = 0
    for name, fn in cases_first + rest:
        if only and not any(o in name for o in only):
            continue
        t0 = time.monotonic()
        try:
            fn()
        except itest.Skip as e:
            skipped += 1
            print("skip %s: %s" % (name, e), flush=True)
            continue
        except AssertionError as e:
            failed += 1
            print("FAIL %s (%.1f s)\n     %s" % (name, time.monotonic() - t0, e), flush=True)
            continue
        except Exception:
            failed += 1
            print("FAIL %s: error\n%s" % (name, traceback.format_exc()), flush=True)
            continue
        passed += 1
        print("ok   %s (%.1f s)" % (name, time.monotonic() - t0), flush=True)
    if skipped:
        print("%d skipped (see the skip lines)" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


cases.register()
if __name__ == "__main__":
    sys.exit(main(sys.argv))
