/**
 * The secret generator's program: POSIX sh and curl against the API server, run by the generator Job that the
 * manifests and the chart carry (so `kubectl apply`, `helm install` and `helm template | kubectl apply` all get
 * their credentials without berth). Tests run this very text with the machine's sh and curl against the test API
 * server, so what is tested is what runs in the cluster.
 *
 * For each secret of the table in BERTH_SECRETS (one line: `name ns1,ns2 key:alnum32 key2:fernet`):
 *   - the values come from the first namespace (in order, the owner first) that already holds the Secret; keys no
 *     namespace holds are generated once, so every namespace gets the same value (one value per logical secret);
 *   - a missing Secret is created; an existing one is never overwritten: only keys it lacks are added, with its
 *     resourceVersion as a precondition; a Secret created meanwhile by someone else (409) restarts that secret.
 * Only names and keys are printed; curl never echoes bodies; values travel on stdin, not in arguments.
 * Environment (tests override the first three): BERTH_API (default: the in-cluster service address), BERTH_SA_DIR
 * (token and ca.crt), BERTH_SECRETS, BERTH_LABELS (JSON object of labels for created Secrets).
 */
export const GENERATOR_SCRIPT = `set -eu
# The API server as every pod sees it (an IPv6 address goes in brackets); tests point BERTH_API at theirs.
host="\${KUBERNETES_SERVICE_HOST:-kubernetes.default.svc}"
case "$host" in *:*) host="[$host]" ;; esac
API="\${BERTH_API:-https://$host:\${KUBERNETES_SERVICE_PORT:-443}}"
SA_DIR="\${BERTH_SA_DIR:-/var/run/secrets/kubernetes.io/serviceaccount}"
TOKEN="$(cat "$SA_DIR/token")"
CA="$SA_DIR/ca.crt"
# call METHOD PATH [CONTENT-TYPE]: the request body, if any, on stdin; sets STATUS and BODY, never prints them.
call() {
  if [ $# -ge 3 ]; then
    out="$(curl -sS --cacert "$CA" -H "Authorization: Bearer $TOKEN" -H "Accept: application/json" -H "Content-Type: $3" -X "$1" --data-binary @- -w '\\n%{http_code}' "$API$2")" || unreachable
  else
    out="$(curl -sS --cacert "$CA" -H "Authorization: Bearer $TOKEN" -H "Accept: application/json" -X "$1" -w '\\n%{http_code}' "$API$2")" || unreachable
  fi
  STATUS="$(printf '%s\\n' "$out" | tail -n 1)"
  BODY="$(printf '%s\\n' "$out" | sed '$d')"
}
unreachable() { echo "berth-secrets: cannot reach the API server at $API" >&2; exit 1; }
reason() { printf '%s' "$BODY" | tr -d '\\n' | sed -n 's/.*"reason": *"\\([A-Za-z]*\\)".*/\\1/p'; }
fail() { echo "berth-secrets: $1 (HTTP $STATUS $(reason))" >&2; exit 1; }
# The data map of a Secret as "key":"value" lines (base64 values hold no comma, quote or space).
data_lines() { printf '%s' "$1" | tr -d ' \\n\\r\\t' | sed -n 's/.*"data":{\\([^}]*\\)}.*/\\1/p' | tr ',' '\\n'; }
key_re() { printf '%s' "$1" | sed 's/\\./\\\\./g'; }
has_key() { printf '%s\\n' "$1" | grep -q "^\\"$(key_re "$2")\\":"; }
value_of() { printf '%s\\n' "$1" | sed -n "s/^\\"$(key_re "$2")\\":\\"\\(.*\\)\\"\\$/\\1/p"; }
version_of() { printf '%s' "$1" | tr -d ' \\n\\r\\t' | sed -n 's/.*"resourceVersion":"\\([^"]*\\)".*/\\1/p'; }
random_value() {
  case "$1" in
    fernet) head -c 32 /dev/urandom | base64 | tr -d '\\n' | tr '+/' '-_' ;;
    alnum*) LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c "\${1#alnum}" ;;
  esac
}
# One logical secret: NAME NAMESPACES KEY:FORM...; sets RESTART=1 when someone else created it meanwhile.
ensure_secret() {
  name="$1"; namespaces="$(printf '%s' "$2" | tr ',' ' ')"; shift 2
  RESTART=0
  source=""
  for ns in $namespaces; do
    call GET "/api/v1/namespaces/$ns/secrets/$name"
    case "$STATUS" in
      200) source="$(data_lines "$BODY")"; break ;;
      404) ;;
      *) fail "cannot read Secret $ns/$name" ;;
    esac
  done
  wanted=""
  for spec in "$@"; do
    key="\${spec%%:*}"
    if has_key "$source" "$key"; then
      value="$(value_of "$source" "$key")"
    else
      value="$(random_value "\${spec#*:}" | base64 | tr -d '\\n')"
      [ -n "$value" ] || { echo "berth-secrets: no value for key $key of $name (form \${spec#*:})" >&2; exit 1; }
    fi
    wanted="$wanted\${wanted:+
}\\"$key\\":\\"$value\\""
  done
  for ns in $namespaces; do
    call GET "/api/v1/namespaces/$ns/secrets/$name"
    case "$STATUS" in
      404)
        call POST "/api/v1/namespaces/$ns/secrets" application/json <<EOF
{"apiVersion":"v1","kind":"Secret","metadata":{"name":"$name","namespace":"$ns","labels":$BERTH_LABELS},"type":"Opaque","data":{$(printf '%s' "$wanted" | tr '\\n' ',')}}
EOF
        case "$STATUS" in
          201|200) echo "created Secret $ns/$name" ;;
          409) RESTART=1; return 0 ;;
          *) fail "cannot create Secret $ns/$name" ;;
        esac ;;
      200)
        have="$(data_lines "$BODY")"; add=""; added=""
        for spec in "$@"; do
          key="\${spec%%:*}"
          if ! has_key "$have" "$key"; then
            add="$add\${add:+,}\\"$key\\":\\"$(value_of "$wanted" "$key")\\""
            added="$added\${added:+, }$key"
          fi
        done
        if [ -z "$add" ]; then echo "kept Secret $ns/$name (existing values are never overwritten)"; continue; fi
        call PATCH "/api/v1/namespaces/$ns/secrets/$name" application/merge-patch+json <<EOF
{"metadata":{"resourceVersion":"$(version_of "$BODY")"},"data":{$add}}
EOF
        case "$STATUS" in
          200) echo "added $added to Secret $ns/$name; existing values kept" ;;
          409) RESTART=1; return 0 ;;
          *) fail "cannot add keys to Secret $ns/$name" ;;
        esac ;;
      *) fail "cannot read Secret $ns/$name" ;;
    esac
  done
}
while read -r line; do
  [ -n "$line" ] || continue
  tries=0
  while :; do
    # Word splitting is wanted: name, namespaces, then one word per key.
    ensure_secret $line
    [ "$RESTART" -eq 1 ] || break
    tries=$((tries + 1))
    [ "$tries" -lt 5 ] || { echo "berth-secrets: Secret \${line%% *} keeps changing under us; giving up" >&2; exit 1; }
  done
done <<EOF
$BERTH_SECRETS
EOF
`;
