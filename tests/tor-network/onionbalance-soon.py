# Onionbalance (v3, from Debian or PyPI) with its first fetch of the
# instances' descriptors and first publish 5 s after start instead of 45 s:
# with the upstream pause the fetched descriptors are already "offline"
# (over --is-testnet's 20 s) by the first publish, and the frontend comes
# ~95 s after start instead of ~8 s. Arguments as onionbalance's.
import sys
import time
import traceback

from onionbalance.hs_v3 import params

params.INITIAL_CALLBACK_DELAY = 5

from onionbalance.manager import main  # noqa: E402  (after the change above)

# Its first publish does not wait for its tor's microdescriptors: with a
# consensus but none of them yet, it dies with a TypeError on the hash
# ring (seen on a loaded machine). That is the network not being ready,
# not our code: start it again (main resets its scheduler), a few times.
for attempt in range(3):
    try:
        sys.exit(main())
    except TypeError:
        traceback.print_exc()
        print("onionbalance-soon: its tor had no microdescriptors yet; starting again in 5 s",
              file=sys.stderr, flush=True)
        time.sleep(5)
sys.exit(main())
