#!/usr/bin/env bash
# `make bench`: the production server (gunicorn.conf.py, debug off, PostgreSQL, Redis) measured with wrk.
#
# Sets up the database `magazine_bench` (created when missing, migrated, demo content, generated articles
# up to BENCH_ARTICLES), starts three gunicorn instances sharing it and one Redis database:
#   :8001 and :8002  the production configuration (page cache on)
#   :8003            the same with the page cache and the search's result cache off (PAGE_CACHE_SECONDS=0,
#                    SEARCH_CACHE_SECONDS=0), for the "cold" figures
# then, in each of BENCH_ROUNDS rounds, measures a minimal Django view on the same setup (the ceiling,
# bench/urls.py) and then each page, for BENCH_DURATION after a short warm-up; the report gives each figure's
# median over the rounds and each page's median share of the ceiling of its own round (bench/report.py). It
# checks that the two instances share their state (bench/two_instances.py), prints the table and writes it to
# bench/results/latest.md.
#
# Variables: BENCH_PG (server URL, default postgres://postgres@127.0.0.1:5432), BENCH_DB (magazine_bench),
# BENCH_REDIS_URL (redis://127.0.0.1:6379/1), BENCH_ARTICLES (100000), BENCH_DURATION (10s),
# BENCH_ROUNDS (3), BENCH_CONNECTIONS (8), BENCH_THREADS (2), BENCH_PORT (8001: uses it and the next two).
set -euo pipefail
cd "$(dirname "$0")/.."
START_SECONDS=$SECONDS

PY=.venv/bin/python
GUNICORN=.venv/bin/gunicorn
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-magazine_bench}
ARTICLES=${BENCH_ARTICLES:-100000}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
ROUNDS=${BENCH_ROUNDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
THREADS=${BENCH_THREADS:-2}
PORT_A=${BENCH_PORT:-8001}
PORT_B=$((PORT_A + 1))
PORT_COLD=$((PORT_A + 2))
RESULTS=bench/results
mkdir -p "$RESULTS"

# The production settings, plus the ceiling URL (bench/settings.py), on the benchmark's own database.
export DJANGO_SETTINGS_MODULE=bench.settings
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY=${BENCH_SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}
export DATABASE_URL="$PG/$DB"
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/1}
export DJANGO_MEDIA_ROOT="$PWD/$RESULTS/media" DJANGO_PRIVATE_MEDIA_ROOT="$PWD/$RESULTS/private"
# As behind deploy/nginx.conf: TLS ends at the proxy, which says so in X-Forwarded-Proto (wrk, curl and the
# two-instance check send that header), so HTTPS redirects, secure cookies and HSTS work as in production.
export DJANGO_BEHIND_HTTPS_PROXY=1
HTTPS=(-H "X-Forwarded-Proto: https")
# Quote submissions: e-mails rendered but not sent; no minimum fill time and no rate limit for one client.
export DJANGO_EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend
export QUOTE_MIN_FILL_SECONDS=0 QUOTE_RATE_LIMIT=1000000000
# A safety net, not a tuning: a query that runs away is cancelled (and counted as failed) instead of keeping
# PostgreSQL busy for the targets measured after it.
TIMEOUT=${BENCH_TIMEOUT:-10}

step() { printf '\n== %s\n' "$*"; }

if ! command -v wrk >/dev/null 2>&1; then
    step "Installing wrk (Debian package)"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
    else
        echo "wrk is needed: sudo apt-get install wrk" >&2
        exit 1
    fi
fi

for port in "$PORT_A" "$PORT_B" "$PORT_COLD"; do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        echo "Something already answers on port $port: stop it or set BENCH_PORT." >&2
        exit 1
    fi
done

step "Database $DB on $PG"
$PY - "$PG" "$DB" <<'EOF'
import sys
import psycopg2

server, name = sys.argv[1:]
connection = psycopg2.connect(f"{server}/postgres")
connection.autocommit = True
with connection.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cursor.fetchone() is None:
        cursor.execute(f'CREATE DATABASE "{name}"')
        print(f"created {name}")
EOF
$PY manage.py migrate --noinput -v0
$PY manage.py setup_groups >/dev/null
$PY manage.py load_demo_content | tail -n 1
COUNT=$($PY bench/prepare.py count)
if [ "$COUNT" -lt "$ARTICLES" ]; then
    step "Generating $((ARTICLES - COUNT)) articles (the database has $COUNT)"
    $PY manage.py generate_demo_articles $((ARTICLES - COUNT)) --batch 2000
    COUNT=$($PY bench/prepare.py count)
fi
echo "$COUNT articles"
$PY manage.py collectstatic --noinput -v0
$PY bench/prepare.py forget-quotes >/dev/null
$PY bench/prepare.py vacuum
# Start from an empty cache: only this application's keys in the benchmark's Redis database.
$PY -c 'import os, redis
r = redis.from_url(os.environ["REDIS_URL"])
for key in r.scan_iter("magazine:*", count=1000): r.delete(key)'
read -r ADMIN_PASSWORD ADMIN_TOTP_KEY < <($PY bench/prepare.py admin bench-admin)

step "Starting gunicorn on :$PORT_A and :$PORT_B (page cache on) and :$PORT_COLD (page and search caches off)"
PIDS=()
stop_servers() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_servers EXIT
start_server() {
    local port=$1
    shift
    env PORT="$port" PGOPTIONS="-c statement_timeout=${TIMEOUT}s" "$@" "$GUNICORN" -c gunicorn.conf.py \
        >"$RESULTS/gunicorn-$port.log" 2>&1 &
    PIDS+=("$!")
}
start_server "$PORT_A"
start_server "$PORT_B"
start_server "$PORT_COLD" PAGE_CACHE_SECONDS=0 SEARCH_CACHE_SECONDS=0
for port in "$PORT_A" "$PORT_B" "$PORT_COLD"; do
    for _ in $(seq 100); do
        curl -sf -o /dev/null "${HTTPS[@]}" "http://127.0.0.1:$port/bench/ceiling/" && break
        sleep 0.3
    done
    curl -sf -o /dev/null "${HTTPS[@]}" "http://127.0.0.1:$port/bench/ceiling/" \
        || { echo "gunicorn on :$port did not start; see $RESULTS/gunicorn-$port.log" >&2; exit 1; }
done
WORKERS=$($PY -c 'import runpy; print(runpy.run_path("gunicorn.conf.py")["workers"])')

# Fixtures: one recent article, 5,000 random ones, search queries, quote form tokens and a CSRF pair.
ARTICLE=$($PY bench/prepare.py article)
$PY bench/prepare.py paths "$RESULTS/articles.txt" 5000
# Broad words (in nearly every article), narrower ones, several words, partial words and no match at all.
cat >"$RESULTS/searches.txt" <<'EOF'
/search/?q=stem+cell
/search/?q=knee+replacement
/search/?q=dental+implants+turkey
/search/?q=recovery
/search/?q=heart+bypass
/search/?q=accredited+clinic
/search/?q=ivf
/search/?q=cataract+surgery+thailand
/search/?q=clinic
/search/?q=cost
/search/?q=hip
/search/?q=spain
/search/?q=strok
/search/?q=implant
/search/?q=cardiology
/search/?q=what+to+ask+before+surgery
/search/?q=travel+insurance
/search/?q=veneers+price
/search/?q=rhinoplasty+recovery+time
/search/?q=bariatric
/search/?q=mexico+dental
/search/?q=accreditation
/search/?q=zebra
/search/?q=rehabilitat
/search/?q=stemm+cel
/search/?q=hart+bypas
/search/?q=heart+attack
/search/?q=%D0%B8%D0%BD%D1%81%D1%83%D0%BB%D1%8C%D1%82
EOF
SEARCH_COUNT=$(grep -c . "$RESULTS/searches.txt")
for round in $(seq "$ROUNDS"); do
    $PY bench/prepare.py tokens "$RESULTS/tokens-warmup-$round.txt" 5000
    $PY bench/prepare.py tokens "$RESULTS/tokens-$round.txt" 50000
done
read -r CSRF_COOKIE CSRF_TOKEN < <($PY bench/prepare.py csrf "http://127.0.0.1:$PORT_A/quote/")
export BENCH_CSRF_COOKIE=$CSRF_COOKIE BENCH_CSRF_TOKEN=$CSRF_TOKEN BENCH_THREADS=$THREADS
export BENCH_TREATMENT=$($PY bench/prepare.py treatment)

# One submission by hand first: a refused form would otherwise be measured as a fast 200.
CHECK_TOKEN=$($PY bench/prepare.py tokens /dev/stdout 1)
LOCATION=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "csrftoken=$CSRF_COOKIE" "${HTTPS[@]}" \
    -H "Referer: https://127.0.0.1:$PORT_A/quote/" \
    --data "csrfmiddlewaretoken=$CSRF_TOKEN&form_token=$CHECK_TOKEN&name=Bench+Patient&email=check@bench.example&country=DE&treatment=$BENCH_TREATMENT&condition_summary=Check&budget=unsure&travel_window=flexible&contact_method=email&consent=on" \
    "http://127.0.0.1:$PORT_A/quote/")
case "$LOCATION" in
    "302 "*"/quote/thanks/") ;;
    *) echo "The quote form refused the benchmark's submission ($LOCATION)" >&2; exit 1 ;;
esac

idle() {  # wait until the server has worked through the requests wrk left behind
    local base=$1
    for _ in $(seq 60); do
        curl -sf -m 1 -o /dev/null "${HTTPS[@]}" "$base/bench/ceiling/" && return 0
    done
    echo "warning: $base still busy" >&2
}

ROWS=()
measure() {  # label, base URL, path, wrk script, then VAR=value settings for the script
    # (WRK_CONNECTIONS=n among them measures with n connections, and as many wrk threads at most)
    local label=$1 base=$2 url=$2$3 script=$4
    shift 4
    local connections=$CONNECTIONS threads=$THREADS setting
    for setting in "$@"; do
        case $setting in
            WRK_CONNECTIONS=*) connections=${setting#*=} threads=$((THREADS < connections ? THREADS : connections)) ;;
        esac
    done
    printf '%-52s' "$label"
    # Quote form tokens are used once: each round and its warm-ups have their own.
    env "$@" BENCH_TOKENS="$RESULTS/tokens-warmup-$ROUND.txt" \
        wrk -t"$threads" -c"$connections" -d"$WARMUP" --timeout "$((TIMEOUT + 2))s" -s "$script" "$url" >/dev/null
    idle "$base"
    local output result
    output=$(env "$@" BENCH_TOKENS="$RESULTS/tokens-$ROUND.txt" \
        wrk -t"$threads" -c"$connections" -d"$DURATION" --timeout "$((TIMEOUT + 2))s" --latency -s "$script" "$url")
    idle "$base"
    result=$(grep '^RESULT' <<<"$output")
    printf '%s\n' "${result#RESULT }"
    ROWS+=("$ROUND|$label|${result#RESULT }")
    printf '## round %s: %s\n%s\n\n' "$ROUND" "$label" "$output" >>"$RESULTS/wrk-output.txt"
}
: >"$RESULTS/wrk-output.txt"
A="http://127.0.0.1:$PORT_A"
COLD="http://127.0.0.1:$PORT_COLD"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
step "Measuring: wrk, $THREADS threads, $CONNECTIONS connections, $DURATION each (req/s p50 p99 requests non-2xx/3xx errors)"
echo "(each request is cancelled after ${TIMEOUT} s and counted as failed)"
# On a shared machine one 10-second figure can be a tenth off, up or down: each round measures the ceiling,
# then every page, which is compared with its own round's ceiling; the report takes medians over the rounds.
for ROUND in $(seq "$ROUNDS"); do
    step "Round $ROUND of $ROUNDS"
    measure "ceiling: minimal Django view" "$A" /bench/ceiling/ bench/lua/get.lua
    measure "article page, warm (page cache, one article)" "$A" "$ARTICLE" bench/lua/get.lua
    measure "article page, cold (no page cache, 5,000 articles)" "$COLD" / bench/lua/paths.lua \
        BENCH_PATHS="$RESULTS/articles.txt"
    measure "home page, warm (page cache)" "$A" / bench/lua/get.lua
    measure "home page, cold (no page cache)" "$COLD" / bench/lua/get.lua
    measure "quote submission (POST, new request each, 302)" "$A" /quote/ bench/lua/quote.lua BENCH_EXPECT=302
    # Search pages are never in the page cache. The instance without caches runs every search in full, as for a
    # query nobody asked in the last SEARCH_CACHE_SECONDS; the production instance answers a query asked again
    # from the ranked ids it cached (then loads the page shown).
    # Latency is measured one request at a time: with more connections than cores a request mostly waits for
    # the others, which is the throughput figure, measured next with as many connections as every other target.
    measure "search latency, 1 connection ($SEARCH_COUNT queries, each in full)" "$COLD" / bench/lua/paths.lua \
        BENCH_PATHS="$RESULTS/searches.txt" WRK_CONNECTIONS=1
    measure "search latency, 1 connection (asked again: results cached)" "$A" / bench/lua/paths.lua \
        BENCH_PATHS="$RESULTS/searches.txt" WRK_CONNECTIONS=1
    measure "search throughput, $CONNECTIONS connections (each in full)" "$COLD" / bench/lua/paths.lua \
        BENCH_PATHS="$RESULTS/searches.txt"
done

step "Search relevance (bench/relevance.py)"
$PY bench/relevance.py | tee "$RESULTS/relevance.md"

step "Two instances sharing PostgreSQL and Redis"
set +e
# The admin edits the block's title in the site's language (a field per language).
export BENCH_SITE_LANGUAGE
BENCH_SITE_LANGUAGE=$($PY bench/prepare.py language)
TWO_INSTANCES=$($PY bench/two_instances.py "$A" "http://127.0.0.1:$PORT_B" bench-admin "$ADMIN_PASSWORD" $ADMIN_TOTP_KEY)
TWO_STATUS=$?
set -e
echo "$TWO_INSTANCES"

stop_servers
trap - EXIT

COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -z "$(git status --porcelain 2>/dev/null)" ] || COMMIT="$COMMIT with uncommitted changes"
CPU="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
printf '%s\n' "${ROWS[@]}" | $PY bench/report.py \
    --articles "$COUNT" --commit "$COMMIT" --cpu "$CPU (load average $LOAD_BEFORE before measuring)" \
    --setup "gunicorn.conf.py: $WORKERS workers × ${GUNICORN_THREADS:-1} thread(s) (gthread); wrk $THREADS threads, $CONNECTIONS connections, $DURATION per target and round, $ROUNDS rounds, on the same machine" \
    --two-instances "$TWO_INSTANCES" --relevance "$RESULTS/relevance.md" --seconds $((SECONDS - START_SECONDS)) \
    >"$RESULTS/latest.md"
echo
cat "$RESULTS/latest.md"
exit "$TWO_STATUS"
