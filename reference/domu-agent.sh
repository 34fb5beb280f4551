#!/bin/sh
# CONFORMANCE_AGENT_WRAP of the two-domain reference VM: run-programs.sh
# would start the agent here, in dom0, with the program's stream on
# descriptors 3 and 4; the agent runs in the domU instead (domu-init
# started it there under `xsbridge --accept`), so this joins 3 and 4 to it
# over xenstore.  Exits with the agent's status.
# Usage: domu-agent DOMID PROGRAM --agent 3,4   (3 and 4 open)
domid=$1
prog=$2
exec xsbridge --offer "$domid" "/local/domain/$domid/data/xsbridge/${prog##*/}" \
	<&3 >&4 3<&- 4>&-
