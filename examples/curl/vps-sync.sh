#!/usr/bin/env bash
# The panel's sync API with curl.
#
#   VPS_SYNC_URL=http://localhost:5050 VPS_SYNC_API_KEY=... examples/curl/vps-sync.sh <command>
#
#   create <user_id> <name> <cpu> <ram_gb> <disk_gb> <os> <hypervisor> [status]
#   status <id> <status>
#   delete <id>
#   get <id>                  (the main site's read: the VPS, also once deleted)
#   list                      (needs VPS_PANEL_TOKEN: a user's JWT)
#
# Prints the server's JSON answer. Exits 22 on an HTTP error (as curl --fail-with-body does, the
# error answer still printed), with curl's own status on a network error, and 2 on a usage error.
#
# Retries are decided on the error answer's "code", read with bash's own regex (no jq needed):
# database_unavailable, idempotency_key_in_use (an earlier attempt with the same Idempotency-Key
# is still running) and internal may pass, so they are retried, and so is a 429; every other code
# (validation_failed, not_found, external_id_conflict, misconfigured, ...) is final. An answer
# without a code (a proxy's own error page) is retried when it is a 429 or a 5xx. Refused
# connections, timeouts and dropped connections are retried too. Up to 5 attempts, each waiting
# the server's Retry-After (in seconds, at most 10) or else an exponential backoff with full
# jitter; every attempt of a command sends the same Idempotency-Key, so a create is applied once.
#
# With VPS_SYNC_SIGNING_SECRET set (the panel's whsec_... secret), every sync attempt (a get's too, over
# its empty body) is signed in the Standard Webhooks format with openssl: webhook-id, webhook-timestamp and webhook-signature, an
# HMAC-SHA256 of "id.timestamp.body". Each attempt gets a new id and the current time, as the panel
# refuses a webhook-id it has seen (the Idempotency-Key, not the signature, makes retries safe).
set -euo pipefail

VPS_SYNC_URL="${VPS_SYNC_URL:-http://localhost:5050}"
VPS_SYNC_URL="${VPS_SYNC_URL%/}"
MAX_ATTEMPTS=5
# The API's error codes that a retry can get past.
RETRYABLE_CODES="database_unavailable idempotency_key_in_use internal"

usage() {
  sed -n '6,10p' "$0" | sed 's/^# //' >&2
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

# The "code" of an error answer, or nothing. Inside a JSON string every quote is escaped, so the
# first unescaped "code":"..." is the envelope's own field.
code_of() {
  local re='"code"[[:space:]]*:[[:space:]]*"([a-z_]+)"'
  if [[ $1 =~ $re ]]; then printf '%s' "${BASH_REMATCH[1]}"; fi
}

# Whether an HTTP error answer (status, body) may pass on a retry: decided on its code.
retryable() {
  local code
  code=$(code_of "$2")
  if [[ -n $code ]]; then
    [[ " $RETRYABLE_CODES " == *" $code "* ]] || (($1 == 429))
  else
    (($1 == 429 || $1 >= 500))
  fi
}

# Retry-After in seconds (the form the API sends), at most 10, from a header dump; else nothing.
retry_after() {
  local line seconds='' re='^[Rr][Ee][Tt][Rr][Yy]-[Aa][Ff][Tt][Ee][Rr]:[[:space:]]*([0-9]+)[[:space:]]*$'
  while IFS= read -r line; do
    line=${line%$'\r'}
    if [[ $line =~ $re ]]; then seconds=${BASH_REMATCH[1]}; fi
  done <"$1"
  if [[ -n $seconds ]] && ((${#seconds} > 2 || 10#$seconds > 10)); then seconds=10; fi
  printf '%s' "$seconds"
}

# Full jitter before retry n: uniform in [0, min(10 s, 0.2 s * 2^(n-1))), in seconds.
backoff() {
  local cap=$((200 << ($1 - 1)))
  if ((cap > 10000)); then cap=10000; fi
  local ms=$((RANDOM * cap / 32768))
  printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

HEADERS=$(mktemp)
trap 'rm -f "$HEADERS"' EXIT

# One logical call: request <method> <path> [curl arguments...], retried as described above.
request() {
  local method=$1 path=$2 attempt answer status code rc reason delay
  shift 2
  for ((attempt = 1; ; attempt++)); do
    rc=0
    # A signed call signs every attempt anew (SIGN_BODY: the exact bytes sent).
    SIGNATURE=()
    if [[ -n ${SIGN_BODY+x} ]]; then sign "$SIGN_BODY"; fi
    answer=$(curl --silent --show-error --max-time 10 --dump-header "$HEADERS" --write-out '\n%{http_code}' \
      -X "$method" "$VPS_SYNC_URL$path" ${SIGNATURE[@]+"${SIGNATURE[@]}"} "$@") || rc=$?
    if ((rc == 0)); then
      status=${answer##*$'\n'}
      answer=${answer%$'\n'*}
      if ((status >= 200 && status < 300)); then
        printf '%s\n' "$answer"
        return 0
      fi
      if ! retryable "$status" "$answer" || ((attempt == MAX_ATTEMPTS)); then
        printf '%s\n' "$answer"
        exit 22
      fi
      code=$(code_of "$answer")
      reason="HTTP $status${code:+ $code}"
      delay=$(retry_after "$HEADERS")
    else
      # 7 refused, 28 timed out, 52 empty reply, 55/56 connection broken: curl said which on stderr.
      case $rc in 7 | 28 | 52 | 55 | 56) ;; *) exit "$rc" ;; esac
      if ((attempt == MAX_ATTEMPTS)); then exit "$rc"; fi
      reason="curl exit $rc"
      delay=''
    fi
    delay=${delay:-$(backoff "$attempt")}
    echo "attempt $attempt failed ($reason); retrying in ${delay}s" >&2
    sleep "$delay"
  done
}

# POST /api/vps/sync with one JSON body (sent byte for byte as signed: --data-raw) and one
# Idempotency-Key for all its attempts.
sync() {
  : "${VPS_SYNC_API_KEY:?VPS_SYNC_API_KEY is not set}"
  SIGN_BODY=$1 request POST /api/vps/sync \
    -H 'Content-Type: application/json' \
    -H "X-API-Key: $VPS_SYNC_API_KEY" \
    -H "Idempotency-Key: $(new_key)" \
    --data-raw "$1"
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
  get)
    [[ $# -eq 1 ]] || usage
    integer id "$1"
    : "${VPS_SYNC_API_KEY:?VPS_SYNC_API_KEY is not set}"
    SIGN_BODY='' request GET "/api/vps/sync/vps/$1" -H "X-API-Key: $VPS_SYNC_API_KEY"
    ;;
  list)
    [[ $# -eq 0 ]] || usage
    : "${VPS_PANEL_TOKEN:?VPS_PANEL_TOKEN (a user JWT) is not set}"
    request GET /api/vps -H "Authorization: Bearer $VPS_PANEL_TOKEN"
    ;;
  *)
    usage
    ;;
esac
