# Onionbalance (v3, from Debian or PyPI) with its first fetch of the
# instances' descriptors and first publish 5 s after start instead of 45 s:
# with the upstream pause the fetched descriptors are already "offline"
# (over --is-testnet's 20 s) by the first publish, and the frontend comes
# ~95 s after start instead of ~8 s. Arguments as onionbalance's.
import sys

from onionbalance.hs_v3 import params

params.INITIAL_CALLBACK_DELAY = 5

from onionbalance.manager import main  # noqa: E402  (after the change above)

sys.exit(main())
