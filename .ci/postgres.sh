# Sourced by .ci/run: a throwaway PostgreSQL cluster on port 55432 for the reference-server tests.
# ONESTOP_TEST_PG_URL is exported only once the server answers, so a failed setup skips those tests instead of
# failing them.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdata=/tmp/onestop-pg
su postgres -c "$pgbin/pg_ctl -D $pgdata -m immediate stop" >/dev/null 2>&1 || true  # a cluster left by an earlier run
rm -rf "$pgdata"; mkdir -p "$pgdata"; chown postgres "$pgdata"
if su postgres -c "$pgbin/initdb -D $pgdata -U postgres -A trust" >/tmp/ci-pg.log 2>&1 \
   && su postgres -c "$pgbin/pg_ctl -D $pgdata -o '-p 55432 -k /tmp' -l $pgdata/log -w start" >>/tmp/ci-pg.log 2>&1 \
   && su postgres -c "psql -h /tmp -p 55432 -c 'CREATE DATABASE onestop_test'" >>/tmp/ci-pg.log 2>&1; then
  export ONESTOP_TEST_PG_URL="postgresql://postgres@127.0.0.1:55432/onestop_test"
else
  echo "PostgreSQL did not start (see /tmp/ci-pg.log); PostgreSQL variants will skip"; tail -5 /tmp/ci-pg.log
fi
