#!/usr/bin/env bash
# Writes data-0.4.db with the server of 0.4 (commit da5c5cb): see README.md.
# Usage: make-data-0.4.sh SERVER_BINARY DATA_FILE
set -euo pipefail
BIN=${1:?the server binary of commit da5c5cb}
DATA=${2:?the data file to write (none may exist)}
B=http://127.0.0.1:9877
start() { $BIN --listen 127.0.0.1:9877 --data $DATA --snapshot-every 0 --units-per-second 0 --admin-token adm --log warn & PID=$!; for i in $(seq 100); do curl -sf $B/_coursecopy/health -H 'Authorization: Bearer adm' >/dev/null && return; sleep 0.1; done; echo no start; exit 1; }
learn_token() { curl -sf -u author-key:author-secret -d grant_type=client_credentials $B/learn/api/public/v1/oauth2/token | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])'; }
start
T=$(learn_token)
C=author-canvas-token
L=$B/learn/api/public
curl -sf -X POST $L/v3/courses -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -d '{"courseId":"G-1","name":"Written by 0.4, course 1","availability":{"available":"No"}}' >/dev/null
curl -sf -X PATCH $L/v3/courses/courseId:G-1 -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -d '{"name":"Renamed under 0.4","description":"kept"}' >/dev/null
curl -sf -X POST $L/v2/courses/courseId:BIO-101/copy -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -d '{"targetCourse":{"courseId":"G-COPY"},"copy":{"contentAreas":"true","announcements":"true"},"dateShift":{"shiftDays":7}}' -D "$DATA.h1" >/dev/null
TASK=$(grep -i '^location' "$DATA.h1" | tr -d '\r' | awk '{print $2}')
for i in $(seq 100); do code=$(curl -s -o /dev/null -w '%{http_code}' $B$TASK -H "Authorization: Bearer $T"); [ "$code" = 303 ] && break; sleep 0.1; done
echo "learn copy: $code"
BIO=$(curl -sf "$B/api/v1/courses?per_page=100" -H "Authorization: Bearer $C" | python3 -c 'import json,sys;print([c["id"] for c in json.load(sys.stdin) if c["course_code"]=="BIO-101"][0])')
CHEM=$(curl -sf "$B/api/v1/courses?per_page=100" -H "Authorization: Bearer $C" | python3 -c 'import json,sys;print([c["id"] for c in json.load(sys.stdin) if c["course_code"]=="CHEM-101"][0])')
MOD=$(curl -sf "$B/api/v1/courses/$BIO/modules" -H "Authorization: Bearer $C" | python3 -c 'import json,sys;print(json.load(sys.stdin)[1]["id"])')
M1=$(curl -sf -X POST "$B/api/v1/courses/$CHEM/content_migrations" -H "Authorization: Bearer $C" --data-urlencode migration_type=course_copy_importer --data-urlencode "settings[source_course_id]=$BIO" --data-urlencode "select[modules][]=$MOD" --data-urlencode "select[quizzes][]=1" --data-urlencode "date_shift_options[shift_dates]=true" --data-urlencode "date_shift_options[old_start_date]=2027-09-06" --data-urlencode "date_shift_options[old_end_date]=2027-12-17" --data-urlencode "date_shift_options[new_start_date]=2028-09-04" --data-urlencode "date_shift_options[day_substitutions][5]=4" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
for i in $(seq 100); do st=$(curl -sf "$B/api/v1/progress/$M1" -H "Authorization: Bearer $C" | python3 -c 'import json,sys;print(json.load(sys.stdin)["workflow_state"])'); [ "$st" = completed ] && break; sleep 0.1; done
echo "migration $M1: $st"
# A graceful stop: the snapshot then holds the migration, in 0.4's form.
kill -INT $PID; wait $PID || true
start
T=$(learn_token)
M2=$(curl -sf -X POST "$B/api/v1/courses/$CHEM/content_migrations" -H "Authorization: Bearer $C" --data-urlencode migration_type=course_copy_importer --data-urlencode "settings[source_course_id]=$BIO" --data-urlencode selective_import=true | python3 -c 'import json,sys;d=json.load(sys.stdin);print(d["id"], d["workflow_state"])')
echo "migration $M2"
M3=$(curl -sf -X POST "$B/api/v1/courses/$CHEM/content_migrations" -H "Authorization: Bearer $C" --data-urlencode migration_type=course_copy_importer --data-urlencode "settings[source_course_id]=$BIO" --data-urlencode "copy[all_announcements]=1" --data-urlencode "date_shift_options[remove_dates]=1" | python3 -c 'import json,sys;print(json.load(sys.stdin)["id"])')
for i in $(seq 100); do st=$(curl -sf "$B/api/v1/progress/$M3" -H "Authorization: Bearer $C" | python3 -c 'import json,sys;print(json.load(sys.stdin)["workflow_state"])'); [ "$st" = completed ] && break; sleep 0.1; done
echo "migration $M3: $st"
curl -sf -X POST $L/v3/courses -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -d '{"courseId":"G-2","name":"Written by 0.4, course 2","timeZone":"Europe/Berlin","availability":{"duration":{"type":"DateRange","start":"2028-01-10T00:00:00Z","end":"2028-05-06T00:00:00Z"}}}' >/dev/null
curl -sf -X POST $L/v2/courses/courseId:BIO-101/copy -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -d '{"targetCourse":{"id":"courseId:G-2"},"mode":"Duplicate","copy":{"contentAreas":true,"settings":{"availability":"true"}},"dateShift":{"shiftDates":true,"oldStartDate":"2027-09-06","oldEndDate":"2027-12-17","newStartDate":"2028-01-10","newEndDate":"2028-05-06"}}' -D "$DATA.h2" >/dev/null
TASK=$(grep -i '^location' "$DATA.h2" | tr -d '\r' | awk '{print $2}')
for i in $(seq 100); do code=$(curl -s -o /dev/null -w '%{http_code}' $B$TASK -H "Authorization: Bearer $T"); [ "$code" = 303 ] && break; sleep 0.1; done
echo "learn copy 2: $code"
curl -sf -X PATCH $L/v3/courses/courseId:G-COPY -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -d '{"name":"Copy renamed under 0.4"}' >/dev/null
curl -sf -X DELETE $L/v3/courses/courseId:G-1 -H "Authorization: Bearer $T" -o /dev/null
echo "BIO=$BIO CHEM=$CHEM MOD=$MOD M1=$M1"
kill -KILL $PID; wait $PID || true
python3 - "$DATA" <<'PY'
import sqlite3, sys
db=sqlite3.connect(sys.argv[1])
print(db.execute('PRAGMA wal_checkpoint(TRUNCATE)').fetchall())
print(db.execute('select count(*) from journal').fetchall())
for r in db.execute('select seq, substr(record,1,150) from journal order by seq'): print(r)
db.close()
PY
rm -f "$DATA.h1" "$DATA.h2"
