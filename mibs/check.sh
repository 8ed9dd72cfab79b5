#!/usr/bin/env bash
# mibs/check.sh: check that the MIB files under mibs/ are the ones recorded
# in mibs/SHA256SUMS, that net-snmp loads every module without a message,
# and that every OID the collectors use resolves to the expected name.
#
# Needs snmptranslate (Debian package "snmp").  Uses only the MIB files
# under mibs/ (no system MIB directory, no snmp.conf), so the result does
# not depend on what else is installed.  Exit status 0 = all checks passed,
# 1 = a check failed, 2 = snmptranslate is missing.
set -u

here=$(cd "$(dirname "$0")" && pwd)
mibpath="$here/cisco:$here/juniper:$here/netscreen:$here/ietf"

if ! command -v snmptranslate >/dev/null 2>&1; then
	echo "mibs/check.sh: snmptranslate not found (apt-get install snmp)" >&2
	exit 2
fi

# Keep the user's and the system's snmp.conf (e.g. Debian's "mibs :") out.
SNMPCONFPATH=$(mktemp -d)
export SNMPCONFPATH
trap 'rm -rf "$SNMPCONFPATH"' EXIT
unset MIBS MIBDIRS

pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# st MODULE ARGS...: run snmptranslate on MODULE; stdout to $out, and any
# message on stderr counts as a failure ("Cannot find module", "Unlinked
# OID", "Did not find", "Unknown Object Identifier", ...).
st() {
	local mod=$1 errf
	shift
	errf=$(mktemp)
	out=$(snmptranslate -M "$mibpath" -m "$mod" "$@" 2>"$errf")
	rc=$?
	err=$(cat "$errf")
	rm -f "$errf"
	if [ $rc -ne 0 ] || [ -n "$err" ]; then
		bad "snmptranslate -m $mod $*: rc=$rc ${err:+stderr: $err}"
		return 1
	fi
	return 0
}

# 1. The files are the recorded ones (byte for byte).
if command -v sha256sum >/dev/null 2>&1; then
	if (cd "$here" && sha256sum --quiet -c SHA256SUMS); then
		ok
	else
		bad "a MIB file differs from mibs/SHA256SUMS"
	fi
fi

# 2. Every module loads with no message at all.
for mod in CISCO-SMI CISCO-TC CISCO-MEDIA-GATEWAY-MIB \
    CISCO-IPSEC-FLOW-MONITOR-MIB CISCO-REMOTE-ACCESS-MONITOR-MIB \
    NETSCREEN-SMI NETSCREEN-VPN-MON-MIB JUNIPER-SMI JUNIPER-IPSEC-FLOW-MON-MIB \
    SNMPv2-SMI SNMPv2-TC SNMPv2-CONF SNMPv2-MIB IANAifType-MIB IF-MIB \
    INET-ADDRESS-MIB SNMP-FRAMEWORK-MIB; do
	st "$mod" -On SNMPv2-SMI::enterprises && ok
done

# 3. Names resolve to the OIDs the collectors use, and back.
#    MODULE  NAME  OID
checks='
CISCO-IPSEC-FLOW-MONITOR-MIB ciscoIpSecFlowMonitorMIB .1.3.6.1.4.1.9.9.171
CISCO-IPSEC-FLOW-MONITOR-MIB cikeGlobalActiveTunnels .1.3.6.1.4.1.9.9.171.1.2.1.1
CISCO-IPSEC-FLOW-MONITOR-MIB cikeTunnelTable .1.3.6.1.4.1.9.9.171.1.2.3
CISCO-IPSEC-FLOW-MONITOR-MIB cikeTunLocalAddr .1.3.6.1.4.1.9.9.171.1.2.3.1.4
CISCO-IPSEC-FLOW-MONITOR-MIB cikeTunRemoteValue .1.3.6.1.4.1.9.9.171.1.2.3.1.7
CISCO-IPSEC-FLOW-MONITOR-MIB cikeTunRemoteAddr .1.3.6.1.4.1.9.9.171.1.2.3.1.8
CISCO-IPSEC-FLOW-MONITOR-MIB cikeTunLifeTime .1.3.6.1.4.1.9.9.171.1.2.3.1.15
CISCO-IPSEC-FLOW-MONITOR-MIB cikeTunActiveTime .1.3.6.1.4.1.9.9.171.1.2.3.1.16
CISCO-IPSEC-FLOW-MONITOR-MIB cikeTunStatus .1.3.6.1.4.1.9.9.171.1.2.3.1.35
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecGlobalActiveTunnels .1.3.6.1.4.1.9.9.171.1.3.1.1
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecGlobalNoSaFails .1.3.6.1.4.1.9.9.171.1.3.1.29
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunnelTable .1.3.6.1.4.1.9.9.171.1.3.2
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunLocalAddr .1.3.6.1.4.1.9.9.171.1.3.2.1.4
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunRemoteAddr .1.3.6.1.4.1.9.9.171.1.3.2.1.5
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunLifeSize .1.3.6.1.4.1.9.9.171.1.3.2.1.8
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunLifeTime .1.3.6.1.4.1.9.9.171.1.3.2.1.9
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunActiveTime .1.3.6.1.4.1.9.9.171.1.3.2.1.10
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunInOctets .1.3.6.1.4.1.9.9.171.1.3.2.1.26
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunHcInOctets .1.3.6.1.4.1.9.9.171.1.3.2.1.27
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunInOctWraps .1.3.6.1.4.1.9.9.171.1.3.2.1.28
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunInPkts .1.3.6.1.4.1.9.9.171.1.3.2.1.32
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunInDropPkts .1.3.6.1.4.1.9.9.171.1.3.2.1.33
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunInReplayDropPkts .1.3.6.1.4.1.9.9.171.1.3.2.1.34
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunInAuthFails .1.3.6.1.4.1.9.9.171.1.3.2.1.36
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunInDecryptFails .1.3.6.1.4.1.9.9.171.1.3.2.1.38
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunOutOctets .1.3.6.1.4.1.9.9.171.1.3.2.1.39
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunHcOutOctets .1.3.6.1.4.1.9.9.171.1.3.2.1.40
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunOutOctWraps .1.3.6.1.4.1.9.9.171.1.3.2.1.41
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunOutPkts .1.3.6.1.4.1.9.9.171.1.3.2.1.45
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunOutDropPkts .1.3.6.1.4.1.9.9.171.1.3.2.1.46
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunOutAuthFails .1.3.6.1.4.1.9.9.171.1.3.2.1.48
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecTunOutEncryptFails .1.3.6.1.4.1.9.9.171.1.3.2.1.50
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecSpiTable .1.3.6.1.4.1.9.9.171.1.3.4
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecSpiDirection .1.3.6.1.4.1.9.9.171.1.3.4.1.2
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecSpiValue .1.3.6.1.4.1.9.9.171.1.3.4.1.3
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecSpiProtocol .1.3.6.1.4.1.9.9.171.1.3.4.1.4
CISCO-IPSEC-FLOW-MONITOR-MIB cipSecSpiStatus .1.3.6.1.4.1.9.9.171.1.3.4.1.5
CISCO-REMOTE-ACCESS-MONITOR-MIB ciscoRemoteAccessMonitorMIB .1.3.6.1.4.1.9.9.392
CISCO-REMOTE-ACCESS-MONITOR-MIB crasNumSessions .1.3.6.1.4.1.9.9.392.1.3.1
CISCO-REMOTE-ACCESS-MONITOR-MIB crasL2LNumSessions .1.3.6.1.4.1.9.9.392.1.3.29
CISCO-REMOTE-ACCESS-MONITOR-MIB crasL2LCumulateSessions .1.3.6.1.4.1.9.9.392.1.3.30
CISCO-MEDIA-GATEWAY-MIB cmgwIndex .1.3.6.1.4.1.9.9.324.1.1.1.1.1
NETSCREEN-VPN-MON-MIB nsVpnMonTable .1.3.6.1.4.1.3224.4.1.1
NETSCREEN-VPN-MON-MIB nsVpnMonVpnName .1.3.6.1.4.1.3224.4.1.1.1.4
NETSCREEN-VPN-MON-MIB nsVpnMonRmtGwIp .1.3.6.1.4.1.3224.4.1.1.1.13
NETSCREEN-VPN-MON-MIB nsVpnMonMyGwIp .1.3.6.1.4.1.3224.4.1.1.1.15
NETSCREEN-VPN-MON-MIB nsVpnMonOutSpi .1.3.6.1.4.1.3224.4.1.1.1.17
NETSCREEN-VPN-MON-MIB nsVpnMonInSpi .1.3.6.1.4.1.3224.4.1.1.1.18
NETSCREEN-VPN-MON-MIB nsVpnMonMonState .1.3.6.1.4.1.3224.4.1.1.1.19
NETSCREEN-VPN-MON-MIB nsVpnMonTunnelState .1.3.6.1.4.1.3224.4.1.1.1.20
NETSCREEN-VPN-MON-MIB nsVpnMonP1State .1.3.6.1.4.1.3224.4.1.1.1.21
NETSCREEN-VPN-MON-MIB nsVpnMonP1LifeTime .1.3.6.1.4.1.3224.4.1.1.1.22
NETSCREEN-VPN-MON-MIB nsVpnMonP2State .1.3.6.1.4.1.3224.4.1.1.1.23
NETSCREEN-VPN-MON-MIB nsVpnMonP2LifeTime .1.3.6.1.4.1.3224.4.1.1.1.24
NETSCREEN-VPN-MON-MIB nsVpnMonP2LifeBytes .1.3.6.1.4.1.3224.4.1.1.1.25
NETSCREEN-VPN-MON-MIB nsVpnMonSaId .1.3.6.1.4.1.3224.4.1.1.1.29
NETSCREEN-VPN-MON-MIB nsVpnMonBytesIn .1.3.6.1.4.1.3224.4.1.1.1.35
NETSCREEN-VPN-MON-MIB nsVpnMonBytesOut .1.3.6.1.4.1.3224.4.1.1.1.36
NETSCREEN-VPN-MON-MIB nsVpnMonPacketsIn .1.3.6.1.4.1.3224.4.1.1.1.37
NETSCREEN-VPN-MON-MIB nsVpnMonPacketsOut .1.3.6.1.4.1.3224.4.1.1.1.38
JUNIPER-IPSEC-FLOW-MON-MIB jnxIpSecFlowMonMIB .1.3.6.1.4.1.2636.3.52.1
JUNIPER-IPSEC-FLOW-MON-MIB jnxIkeNumOfTunnels .1.3.6.1.4.1.2636.3.52.1.1.1
JUNIPER-IPSEC-FLOW-MON-MIB jnxIkeTunnelMonTable .1.3.6.1.4.1.2636.3.52.1.1.2
JUNIPER-IPSEC-FLOW-MON-MIB jnxIkeTunMonState .1.3.6.1.4.1.2636.3.52.1.1.2.1.6
JUNIPER-IPSEC-FLOW-MON-MIB jnxIpSecNumOfTunnels .1.3.6.1.4.1.2636.3.52.1.2.1
JUNIPER-IPSEC-FLOW-MON-MIB jnxIpSecTunnelMonTable .1.3.6.1.4.1.2636.3.52.1.2.2
JUNIPER-IPSEC-FLOW-MON-MIB jnxIpSecTunMonOutEncryptedBytes .1.3.6.1.4.1.2636.3.52.1.2.2.1.10
JUNIPER-IPSEC-FLOW-MON-MIB jnxIpSecTunMonInDecryptedBytes .1.3.6.1.4.1.2636.3.52.1.2.2.1.12
JUNIPER-IPSEC-FLOW-MON-MIB jnxIpSecSaMonTable .1.3.6.1.4.1.2636.3.52.1.2.3
'
while read -r mod name oid; do
	[ -n "$mod" ] || continue
	if st "$mod" -On "$mod::$name"; then
		if [ "$out" = "$oid" ]; then
			ok
		else
			bad "$mod::$name is $out, expected $oid"
		fi
	fi
	if st "$mod" -OS "$oid"; then
		if [ "$out" = "$mod::$name" ]; then
			ok
		else
			bad "$oid is $out, expected $mod::$name"
		fi
	fi
done <<EOF
$checks
EOF

# 4. The tables print as trees (-Tp) with no message.
for t in CISCO-IPSEC-FLOW-MONITOR-MIB::cipSecTunnelTable \
    CISCO-IPSEC-FLOW-MONITOR-MIB::cipSecSpiTable \
    CISCO-IPSEC-FLOW-MONITOR-MIB::cikeTunnelTable \
    CISCO-REMOTE-ACCESS-MONITOR-MIB::crasL2LNumSessions \
    NETSCREEN-VPN-MON-MIB::nsVpnMonTable \
    JUNIPER-IPSEC-FLOW-MON-MIB::jnxIkeTunnelMonTable \
    JUNIPER-IPSEC-FLOW-MON-MIB::jnxIpSecTunnelMonTable \
    JUNIPER-IPSEC-FLOW-MON-MIB::jnxIpSecSaMonTable; do
	if st "${t%%::*}" -Tp "$t"; then
		if [ -n "$out" ]; then ok; else bad "-Tp $t printed nothing"; fi
	fi
done

echo "mibs/check.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
