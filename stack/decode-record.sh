#!/usr/bin/env bash
# Decode one Confluent-framed Avro record value from Kafka to JSON.
#   stack/decode-record.sh TOPIC PARTITION OFFSET [--no-pretty]
# Frame: magic byte 0x00 | 4-byte big-endian schema id | Avro binary body.
# The schema is fetched from $SCHEMA_REGISTRY_URL/schemas/ids/<id>
# (default: the local stack's Apicurio ccompat API); the body is decoded with
# avro-tools fragtojson (jar from the stack cache; `stack/stack.sh up` fetches it).
# Env: KAFKA_BROKERS (default 127.0.0.1:$KAFKA_PORT), SCHEMA_REGISTRY_URL,
#      AVRO_TOOLS_JAR, KEEP_TMP=1 to keep the work files.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

fail() { printf 'decode-record: %s\n' "$*" >&2; exit 1; }

[[ $# -ge 3 ]] || fail "usage: $(basename "$0") TOPIC PARTITION OFFSET [--no-pretty]"
topic="$1" partition="$2" offset="$3"
pretty=()
[[ "${4:-}" == --no-pretty ]] && pretty=(--no-pretty)
[[ "$partition" =~ ^[0-9]+$ ]] || fail "PARTITION must be a number, got '$partition'"
[[ "$offset" =~ ^[0-9]+$ ]] || fail "OFFSET must be a non-negative number, got '$offset'"

brokers="${KAFKA_BROKERS:-127.0.0.1:$KAFKA_PORT}"
registry="${SCHEMA_REGISTRY_URL:-http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7}"
registry="${registry%/}"
jar="$AVRO_TOOLS_JAR"

command -v kcat >/dev/null || fail "kcat not installed (run: stack/stack.sh up, or apt-get install kcat)"
command -v curl >/dev/null || fail "curl not installed"
[[ -f "$jar" ]] || fail "avro-tools jar not found at $jar (run: stack/stack.sh up)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/decode-record.XXXXXX")"
if [[ "${KEEP_TMP:-0}" == 1 ]]; then
  printf 'decode-record: work files kept in %s\n' "$tmp" >&2
else
  trap 'rm -rf "$tmp"' EXIT
fi

# 1. One record: first line "<offset> <value size>", then the raw value bytes
#    (kcat writes them unmodified; %S is -1 for a null value).
if ! timeout 30 kcat -C -q -b "$brokers" -t "$topic" -p "$partition" -o "$offset" -c 1 -e \
      -f '%o %S\n%s' >"$tmp/kcat.out" 2>"$tmp/kcat.err"; then
  cat "$tmp/kcat.err" >&2
  fail "kcat could not read ${topic}[$partition]@$offset from $brokers"
fi
[[ -s "$tmp/kcat.out" ]] || fail "no record at ${topic}[$partition]@$offset (offset at/after the end of the partition?)"
read -r got_offset value_size <"$tmp/kcat.out" || true
[[ "$got_offset" == "$offset" ]] \
  || fail "no record at offset $offset of ${topic}[$partition] (next readable record is at $got_offset: deleted, compacted, aborted or a transaction marker)"
[[ "$value_size" != -1 ]] || fail "record ${topic}[$partition]@$offset has a null value (tombstone)"
head_len=$(( ${#got_offset} + 1 + ${#value_size} + 1 ))
tail -c +"$((head_len + 1))" "$tmp/kcat.out" >"$tmp/record.bin"
actual_size="$(stat -c %s "$tmp/record.bin")"
[[ "$actual_size" == "$value_size" ]] || fail "read $actual_size value bytes but kcat reported $value_size"
(( actual_size >= 5 )) || fail "value is $actual_size bytes: too short for the 5-byte Confluent header"

# 2. Header: magic byte 0, then the schema id (4 bytes, big-endian).
read -r magic b1 b2 b3 b4 < <(od -An -v -tu1 -N5 "$tmp/record.bin")
[[ "$magic" == 0 ]] || fail "magic byte is $magic, expected 0: not a Confluent-framed record"
schema_id=$(( (b1 << 24) | (b2 << 16) | (b3 << 8) | b4 ))

# 3. Writer schema from the registry.
code="$(curl -s -m 10 -o "$tmp/schema.json" -w '%{http_code}' "$registry/schemas/ids/$schema_id" || true)"
[[ "$code" == 200 ]] || fail "schema id $schema_id: GET $registry/schemas/ids/$schema_id returned HTTP ${code:-000} $(head -c 300 "$tmp/schema.json" 2>/dev/null)"
extract_py='import json,sys
d=json.load(open(sys.argv[1]))
t=d.get("schemaType","AVRO")
if t!="AVRO": sys.exit("schemaType is %s, not AVRO" % t)
if d.get("references"): sys.exit("schema references are not supported by this script")
open(sys.argv[2],"w").write(d["schema"])'
if command -v python3 >/dev/null; then
  python3 -c "$extract_py" "$tmp/schema.json" "$tmp/schema.avsc" || fail "bad registry answer for schema id $schema_id"
elif command -v node >/dev/null; then
  node -e 'const fs=require("fs");const d=JSON.parse(fs.readFileSync(process.argv[1],"utf8"));
    if((d.schemaType||"AVRO")!=="AVRO"){console.error("schemaType is "+d.schemaType);process.exit(1)}
    if(d.references&&d.references.length){console.error("schema references are not supported");process.exit(1)}
    fs.writeFileSync(process.argv[2],d.schema)' "$tmp/schema.json" "$tmp/schema.avsc" \
    || fail "bad registry answer for schema id $schema_id"
else
  fail "need python3 or node to read the registry's JSON"
fi

# 4. Strip the header and decode the Avro body.
tail -c +6 "$tmp/record.bin" >"$tmp/payload.bin"
if ! "$JAVA" -jar "$jar" fragtojson "${pretty[@]}" --schema-file "$tmp/schema.avsc" "$tmp/payload.bin" \
      >"$tmp/out.json" 2>"$tmp/avro.err"; then
  cat "$tmp/avro.err" >&2
  fail "avro-tools could not decode ${topic}[$partition]@$offset with schema id $schema_id"
fi
[[ -s "$tmp/out.json" ]] || { cat "$tmp/avro.err" >&2; fail "avro-tools produced no output"; }
cat "$tmp/out.json"
