#!/usr/bin/env bash
# The panel's sync API with curl.
#
#   VPS_SYNC_URL=http://localhost:5050 VPS_SYNC_API_KEY=... examples/curl/vps-sync.sh <command>
#
#   create <user_id> <name> <cpu> <ram_gb> <disk_gb> <os> <hypervisor> [status]
#   status <id> <status>
#   delete <id>
#   list                      (needs VPS_PANEL_TOKEN: a user's JWT)
#
# Prints the server's JSON answer. Exits non-zero on an HTTP error (curl's 22, the error answer
# still printed) and on a usage error (2). curl retries timeouts, refused connections, 408, 429,
# 500, 502, 503 and 504, honouring Retry-After; each retry resends the same Idempotency-Key, so a
# create is applied once. curl does not retry a 409 (the same key still running on the server):
# wait a second and run the command again (a create with an external_id is then a replay).
#
# With VPS_SYNC_SIGNING_SECRET set (the panel's whsec_... secret), every sync request is signed in the
# Standard Webhooks format with openssl: webhook-id, webhook-timestamp and webhook-signature, an
# HMAC-SHA256 of "id.timestamp.body". curl's retries resend the same signed request: the panel
# accepts that, as long as the earlier attempt got no answer or a 5xx, within 5 minutes.
set -euo pipefail

VPS_SYNC_URL="${VPS_SYNC_URL:-http://localhost:5050}"
VPS_SYNC_URL="${VPS_SYNC_URL%/}"

usage() {
  sed -n '6,9p' "$0" | sed 's/^# //' >&2
  exit 2
}

# A JSON string: backslashes and double quotes escaped (the server refuses control characters).
json_string() {
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}

integer() {
  [[ $2 =~ ^[0-9]+$ ]] || { echo "$1 must be a whole number, got '$2'" >&2; exit 2; }
}

new_key() {
  if [[ -r /proc/sys/kernel/random/uuid ]]; then cat /proc/sys/kernel/random/uuid
  else od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; fi
}

# The webhook-* headers signing body $1 with VPS_SYNC_SIGNING_SECRET, into the array SIGNATURE.
sign() {
  SIGNATURE=()
  [[ -n ${VPS_SYNC_SIGNING_SECRET:-} ]] || return 0
  [[ $VPS_SYNC_SIGNING_SECRET == whsec_* ]] || { echo "VPS_SYNC_SIGNING_SECRET must start with whsec_" >&2; exit 2; }
  local id timestamp key signature
  id="msg_$(new_key)"
  timestamp=$(date +%s)
  # The key is the bytes the base64 after whsec_ decodes to, given to openssl in hex.
  key=$(printf '%s' "${VPS_SYNC_SIGNING_SECRET#whsec_}" | openssl base64 -d -A | od -An -v -tx1 | tr -d ' \n')
  [[ -n $key ]] || { echo "VPS_SYNC_SIGNING_SECRET is not whsec_ followed by base64" >&2; exit 2; }
  signature=$(printf '%s.%s.%s' "$id" "$timestamp" "$1" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -binary | openssl base64 -A)
  SIGNATURE=(-H "webhook-id: $id" -H "webhook-timestamp: $timestamp" -H "webhook-signature: v1,$signature")
}

# POST /api/vps/sync with one JSON body (sent byte for byte as signed: --data-raw).
sync() {
  : "${VPS_SYNC_API_KEY:?VPS_SYNC_API_KEY is not set}"
  sign "$1"
  curl --silent --show-error --fail-with-body \
    --retry 4 --retry-connrefused --retry-max-time 60 --max-time 10 \
    -X POST "$VPS_SYNC_URL/api/vps/sync" \
    -H 'Content-Type: application/json' \
    -H "X-API-Key: $VPS_SYNC_API_KEY" \
    -H "Idempotency-Key: $(new_key)" \
    ${SIGNATURE[@]+"${SIGNATURE[@]}"} \
    --data-raw "$1"
  echo
}

command="${1:-}"
shift || true
case "$command" in
  create)
    [[ $# -eq 7 || $# -eq 8 ]] || usage
    for n in 1 3 4 5; do integer "argument $n" "${!n}"; done
    sync "{\"action\":\"create\",\"vps\":{\"user_id\":$1,\"name\":$(json_string "$2"),\"cpu\":$3,\"ram\":$(($4 * 1024)),\"disk\":$5,\"os\":$(json_string "$6"),\"hypervisor\":$(json_string "$7"),\"status\":$(json_string "${8:-creating}")}}"
    ;;
  status)
    [[ $# -eq 2 ]] || usage
    integer id "$1"
    sync "{\"action\":\"update\",\"vps\":{\"id\":$1,\"status\":$(json_string "$2")}}"
    ;;
  delete)
    [[ $# -eq 1 ]] || usage
    integer id "$1"
    sync "{\"action\":\"delete\",\"vps\":{\"id\":$1}}"
    ;;
  list)
    [[ $# -eq 0 ]] || usage
    : "${VPS_PANEL_TOKEN:?VPS_PANEL_TOKEN (a user JWT) is not set}"
    curl --silent --show-error --fail-with-body --retry 4 --retry-connrefused --max-time 10 \
      -H "Authorization: Bearer $VPS_PANEL_TOKEN" "$VPS_SYNC_URL/api/vps"
    echo
    ;;
  *)
    usage
    ;;
esac
